using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace HaCluster.Controller.Security;

/// <summary>ASP.NET Core authentication for <c>Authorization: Bearer hck_...</c>: the key's name and role, or the reason it is refused.</summary>
internal sealed class ApiKeyHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeys keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "apikey";
    public const string KeyIdClaim = "hacluster:apikey";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (SignIn.Bearer(Request) is not { } presented || !presented.StartsWith(ApiKeys.Prefix, StringComparison.Ordinal))
        {
            return AuthenticateResult.NoResult();
        }

        var (key, refusal) = await keys.AuthenticateAsync(presented, Context.RequestAborted);
        if (key is null)
        {
            Context.Items[CertificateSignIn.RefusalItem] = refusal;
            return AuthenticateResult.Fail(refusal!);
        }

        var principal = SessionTokens.Principal(key.Name, key.Role, SchemeName, new System.Security.Claims.Claim(KeyIdClaim, key.Id));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }
}
