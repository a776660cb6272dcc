/** Whether the internet can reach what uses the group: live, latent, or unknown. */
import type { SecurityGroupSnapshot, SgAttachment } from '../model/types';
import type { SgExposureState } from './evidence';

export function isPublic(n: SgAttachment): boolean {
  return (typeof n.PublicIp === 'string' && n.PublicIp !== '')
    || (Array.isArray(n.Ipv6Addresses) && n.Ipv6Addresses.some((a) => typeof a === 'string' && a !== ''));
}

export function describeInterface(n: SgAttachment): NonNullable<SgExposureState['interfaces']>[number] {
  return {
    networkInterfaceId: n.NetworkInterfaceId,
    ...(n.PublicIp ? { publicIp: n.PublicIp } : {}),
    ...(Array.isArray(n.Ipv6Addresses) && n.Ipv6Addresses.length > 0 ? { ipv6Addresses: n.Ipv6Addresses } : {}),
    ...(n.InstanceId ? { instanceId: n.InstanceId } : {}),
    ...(n.InterfaceType ? { interfaceType: n.InterfaceType } : {}),
  };
}

export function reachOf(snapshot: SecurityGroupSnapshot): SgExposureState & { titleNote?: string } {
  const nis = snapshot.networkInterfaces;
  if (!Array.isArray(nis)) {
    return { state: 'unknown', reason: 'attachment was not read (network interfaces using the group): reported at full severity' };
  }
  const attached = nis.filter((n): n is SgAttachment => typeof n === 'object' && n !== null && typeof n.NetworkInterfaceId === 'string');
  if (attached.length === 0) {
    return { state: 'latent', reason: 'attached to no network interface: the next attachment makes it live', titleNote: 'not attached' };
  }
  const exposed = attached.filter(isPublic);
  if (exposed.length > 0) {
    return {
      state: 'live',
      reason: `${exposed.length} of ${attached.length} network interface(s) using the group have a public IPv4 or IPv6 address`,
      interfaces: exposed.map(describeInterface),
    };
  }
  // Not "safe": an internet-facing NLB keeps client source IPs, so this rule is what lets the
  // internet through it to these private interfaces; and a public IP can be associated any time.
  return {
    state: 'latent',
    reason: `attached to ${attached.length} network interface(s), none with a public IPv4 or IPv6 address: not directly reachable from the internet today. `
      + 'Check what fronts them: through an internet-facing Network Load Balancer (client IPs preserved) this rule does admit the internet, '
      + 'and associating a public or Elastic IP makes it live at once',
    interfaces: attached.map(describeInterface),
    titleNote: 'no public address',
  };
}
