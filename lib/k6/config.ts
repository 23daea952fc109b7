/**
 * The run's settings in every VU: the target profile and the credentials settings, resolved and
 * validated once by VU 0 (lib/k6/settings.ts, in dist/controller.js) and shared read-only with the
 * other VUs (lib/k6/vu-zero.ts). A bad value throws a `ConfigError` in VU 0's init, before any
 * request is sent. The scenario's shape knobs are read by lib/k6/scenario.ts.
 */
import type { TargetProfile } from '../core/auth/profile.ts';
import type { CredentialSettings } from './settings.ts';
import { sharedFromVuZero, vuZero } from './vu-zero.ts';

const settings = sharedFromVuZero('k6-auth-toolkit settings', () => vuZero().loadSettings(__ENV));

export const profile: TargetProfile = settings.profile;
export const credentialSettings: CredentialSettings = settings.credentials;
