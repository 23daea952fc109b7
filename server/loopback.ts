/** Whether a peer address is this machine: 127.0.0.0/8, ::1, or IPv4-mapped 127.x (RFC 4291 §2.5.5.2). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return address === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}
