import { filterPatternMatches } from "./filter-pattern";

// The evaluator is test code itself: these cases pin its reading of the CloudWatch Logs syntax.
describe("filterPatternMatches", () => {
  const record = {
    eventSource: "ssm.amazonaws.com",
    eventName: "StartSession",
    errorCode: "Client.UnauthorizedOperation",
    n: 3,
    list: [{ id: "a" }],
  };

  test.each([
    ['{ $.eventSource = "ssm.amazonaws.com" }', true],
    ['{ $.eventSource = "SSM.amazonaws.com" }', false],
    ['{ $.eventName = "Start*" }', true],
    ['{ $.eventName = "*Session" }', true],
    ['{ $.eventName = "*Terminate*" }', false],
    ['{ $.errorCode = "*UnauthorizedOperation" }', true],
    ['{ $.errorCode = "AccessDenied*" }', false],
    ['{ $.eventName != "StartSession" }', false],
    ['{ $.eventName != "ResumeSession" }', true],
    ['{ $.missing != "x" }', false],
    ['{ $.missing = "*" }', false],
    ["{ $.n = 3 }", true],
    ['{ $.list[0].id = "a" }', true],
    ['{ ($.eventName = "x") && ($.n = 3) || ($.n = 3) }', true],
    ['{ ($.eventName = "x") && (($.n = 3) || ($.n = 3)) }', false],
    [
      '{ ($.eventSource = "ssm.amazonaws.com") && (($.eventName = "ResumeSession") || ($.eventName = "StartSession")) }',
      true,
    ],
    // Bare words, as the CIS AWS Foundations patterns write them: exact strings.
    ["{ ($.eventSource = ssm.amazonaws.com) && ($.eventName=StartSession) }", true],
    ["{ $.eventName = StartSessions }", false],
    ["{ $.eventName = Start }", false],
  ])("evaluates %s as %s", (pattern, expected) => {
    expect(filterPatternMatches(pattern, record)).toBe(expected);
  });

  test.each([
    ['$.eventName = "StartSession"'],
    ['{ $.eventName ~ "x" }'],
    ['{ ($.eventName = "x" }'],
    ['{ $.eventName = "a\\"b" }'],
  ])("refuses %s, which is outside the supported subset", (pattern) => {
    expect(() => filterPatternMatches(pattern, record)).toThrow();
  });
});
