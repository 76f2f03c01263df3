// Test helper: a standards-compliant OpenID Connect provider (panva/oidc-provider) on 127.0.0.1.
// One confidential client (the app), its development login page (any password), and accounts
// whose ID tokens carry the app-role claim `roles`, as Microsoft Entra ID's app roles do.
// Configured by environment variables: OIDC_PORT, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET,
// OIDC_REDIRECT_URI, OIDC_ACCOUNTS (JSON: login -> {email, roles, ttl: ID token lifetime in seconds}).
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT);
const accounts = JSON.parse(process.env.OIDC_ACCOUNTS);
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: process.env.OIDC_CLIENT_ID,
    client_secret: process.env.OIDC_CLIENT_SECRET,
    redirect_uris: [process.env.OIDC_REDIRECT_URI],
    post_logout_redirect_uris: [process.env.OIDC_REDIRECT_URI],
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username', 'roles'] },
  conformIdTokenClaims: false, // the ID token carries the profile claims (roles), as Entra ID's does
  cookies: { keys: ['procmine-test-provider-cookie-key'] },
  ttl: { IdToken: (ctx, token) => accounts[token.available.sub]?.ttl ?? 3600, AccessToken: 3600, Session: 3600, Grant: 3600,
         Interaction: 600 },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  async findAccount(ctx, id) {
    const account = accounts[id];
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: account.email, email_verified: true, name: id, preferred_username: account.email,
                 roles: account.roles };
      },
    };
  },
});
provider.proxy = false;
provider.listen(port, '127.0.0.1', () => console.log(`oidc-provider listening on ${issuer}`));
