/** Subnet `index` of size `/(prefix + newBits)` inside `cidr` (Terraform's cidrsubnet, for IPv4). */
export function cidrSubnet(cidr: string, newBits: number, index: number): string {
  const [address, prefixText] = cidr.split("/");
  const prefix = Number(prefixText);
  const base = address.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
  const size = 2 ** (32 - prefix - newBits);
  if (prefix + newBits > 28 || index < 0 || index >= 2 ** newBits) {
    throw new Error(`Cannot carve subnet ${index} of /${prefix + newBits} out of ${cidr}.`);
  }
  const start = base + index * size;
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(start / 2 ** shift) % 256);
  return `${octets.join(".")}/${prefix + newBits}`;
}
