// A real OpenID provider for the tests: oidc-provider on 127.0.0.1:PORT, issuing JWT access tokens by the client
// credentials grant. Client "hacluster-ci" gets the HaCluster role in the claim "hacluster_role"; "no-role" gets none.
// Usage: node provider.mjs PORT ROLE
import Provider from 'oidc-provider';

const [port, role] = [process.argv[2], process.argv[3] ?? 'viewer'];
const issuer = `http://127.0.0.1:${port}`;
const client = (id) => ({ client_id: id, client_secret: `secret-of-${id}`, grant_types: ['client_credentials'], redirect_uris: [], response_types: [] });
const provider = new Provider(issuer, {
  clients: [client('hacluster-ci'), client('no-role')],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => 'https://hacluster.test/api',
      getResourceServerInfo: () => ({ scope: 'api', audience: 'https://hacluster.test/api', accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } }),
      useGrantedResource: () => true,
    },
  },
  extraTokenClaims: (ctx, token) => token.clientId === 'no-role'
    ? { preferred_username: 'nobody-in-particular' }
    : { preferred_username: 'ci-bot', hacluster_role: role },
});
provider.listen(Number(port), '127.0.0.1', () => console.log(`listening ${issuer}`));
