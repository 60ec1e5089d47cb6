// A real OpenID provider for the tests: oidc-provider on 127.0.0.1:PORT, issuing JWT access tokens for the HaCluster
// API with the role ROLE in the claim "hacluster_role":
// - by the client credentials grant: client "hacluster-ci" (with the role) and "no-role" (without one);
// - by the authorization code flow (PKCE) when CALLBACK is given: client "hacluster-dashboard", redirecting to
//   CALLBACK; people sign in on the provider's development login page (any name and password), the name becoming
//   preferred_username.
// Usage: node provider.mjs PORT ROLE [CALLBACK]
import Provider from 'oidc-provider';

const [port, role, callback] = [process.argv[2], process.argv[3] ?? 'viewer', process.argv[4] ?? ''];
const issuer = `http://127.0.0.1:${port}`;
const audience = 'https://hacluster.test/api';
const client = (id) => ({ client_id: id, client_secret: `secret-of-${id}`, grant_types: ['client_credentials'], redirect_uris: [], response_types: [] });
const clients = [client('hacluster-ci'), client('no-role')];
if (callback) {
  clients.push({
    client_id: 'hacluster-dashboard',
    client_secret: 'secret-of-hacluster-dashboard',
    grant_types: ['authorization_code'],
    response_types: ['code'],
    redirect_uris: [callback],
    token_endpoint_auth_method: 'client_secret_post',
  });
}
const provider = new Provider(issuer, {
  clients,
  scopes: ['openid', 'profile', 'api'],
  features: {
    devInteractions: { enabled: Boolean(callback) },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => audience,
      getResourceServerInfo: () => ({ scope: 'api', audience, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } }),
      useGrantedResource: () => true,
    },
  },
  findAccount: (ctx, id) => ({ accountId: id, claims: () => ({ sub: id, preferred_username: id }) }),
  extraTokenClaims: (ctx, token) => token.clientId === 'no-role'
    ? { preferred_username: 'nobody-in-particular' }
    : { preferred_username: token.accountId ?? 'ci-bot', hacluster_role: role },
});
provider.listen(Number(port), '127.0.0.1', () => console.log(`listening ${issuer}`));
