// The e2e tests' own calls to the services' APIs: another service's token, signed with the key every service is started with.
import { accessTokens } from '../../libs/service-kit/src/index.ts';

/** AUTH_TOKEN_SECRET of every service an e2e test starts. */
export const E2E_AUTH_SECRET = 'e2e-auth-token-secret-of-at-least-32-chars';
const tokens = accessTokens(E2E_AUTH_SECRET);

/** A fresh service token (the simulator asks for one per call). */
export const serviceToken = (service = 'e2e-tests'): Promise<string> => tokens.issueService(service, 3600);

/** Headers of a service's call. */
export const asService: Record<string, string> = { authorization: `Bearer ${await serviceToken()}` };
