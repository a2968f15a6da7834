import { readFileSync } from "node:fs";
import { fencedBlock, renderTemplate } from "../../../lib/walkthrough/template";
import { crossAccountWalkthrough, WALKTHROUGH_PATH } from "../../../lib/walkthrough/cross-account-s3";

describe("renderTemplate", () => {
  test("fills placeholders and keeps a section only when its value is set, an inverted one only when it is not", () => {
    const template = ["a {{x}} b", "{{#on}}", "on {{x}}", "{{/on}}", "{{^on}}", "off", "{{/on}}", "end"].join("\n");
    expect(renderTemplate(template, { x: "X", on: true }, "t")).toBe("a X b\non X\nend");
    expect(renderTemplate(template, { x: "X", on: false }, "t")).toBe("a X b\noff\nend");
    expect(renderTemplate(template, { x: "X", on: undefined }, "t")).toBe("a X b\noff\nend");
  });

  test("inserts values as they are, `$` patterns included", () => {
    expect(renderTemplate("k={{v}}", { v: `"$(cmd)" $& $1` }, "t")).toBe(`k="$(cmd)" $& $1`);
  });

  test.each([
    [
      "a placeholder without a value",
      "{{missing}}",
      {},
      /t line 1: \{\{missing\}\} needs a text value, got undefined\./,
    ],
    ["a section without a value", "{{#missing}}\n{{/missing}}", {}, /t line 1: no value named missing/],
    ["a section never closed", "{{#on}}\nx", { on: true }, /t: \{\{on\}\} is never closed\./],
    [
      "a closing tag for another section",
      "{{#a}}\n{{/b}}",
      { a: true, b: true },
      /t line 2: \{\{\/b\}\} closes no open/,
    ],
    ["a line Terraform would read as interpolation", "echo $" + "{HOME}", {}, /t line 1 contains "\$\{" or "%\{"/],
    ["a line Terraform would read as a directive", "%" + "{ if x }", {}, /t line 1 contains/],
  ])("refuses %s", (_, template, values, message) => {
    expect(() => renderTemplate(template, values, "t")).toThrow(message);
  });
});

describe("fencedBlock", () => {
  const document = "intro\n```sh First\none\n```\n\n```sh Second\ntwo\nlines\n```\n";

  test("returns the body of the block with that name", () => {
    expect(fencedBlock(document, "Second", "doc")).toBe("two\nlines");
  });

  test("names the document and the block when it is missing", () => {
    expect(() => fencedBlock(document, "Third", "doc")).toThrow(
      "doc has no fenced block named Third: add one (```sh Third).",
    );
  });
});

describe("the cross-account-s3 walk-through document", () => {
  const text = readFileSync(WALKTHROUGH_PATH, "utf8");

  test("has no line Terraform would read as a template, anywhere", () => {
    const offending = text.split("\n").filter((line) => /[$%]\{/.test(line));
    expect(offending).toEqual([]);
  });

  test("renders both blocks with every placeholder filled and every section tag removed", () => {
    const steps = crossAccountWalkthrough({
      region: "eu-west-1",
      bucket: "demo-bucket",
      instanceId: "i-0123456789abcdef0",
      roleName: "demo-role",
      endpointId: "vpce-0123",
      vpcId: "vpc-0123456789abcdef0",
      workloadAccountId: "111111111111",
      dataAccountId: "333333333333",
      userName: "data-account-user",
      approvedBucket: "approved",
      roleGranted: true,
      dnsFirewall: true,
    });
    for (const rendered of [steps.article, steps.defence]) {
      expect(rendered).not.toMatch(/\{\{|\}\}/);
      expect(rendered.length).toBeGreaterThan(0);
    }
    expect(steps.article).toContain("A's bucket policy grants this role (crossAccount.grantWorkloadRole)");
    expect(steps.article).not.toContain("bucket policy grants only A's user");
    expect(steps.defence).toContain(
      "aws s3 cp /tmp/article.txt s3://approved/from-workload-role.txt --region eu-west-1",
    );
  });
});
