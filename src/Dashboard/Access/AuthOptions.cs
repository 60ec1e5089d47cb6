using Microsoft.Extensions.Options;

namespace HaCluster.Dashboard.Access;

/// <summary><c>Auth</c> in appsettings: where the session cookie's keys live, sign-in limits, and single sign-on.</summary>
public sealed class AuthOptions
{
    /// <summary>
    /// Where the keys that encrypt session cookies are kept (the unit sets its state directory). Empty: in memory, so
    /// everyone signs in again after a restart.
    /// </summary>
    public string KeysDir { get; set; } = "";

    /// <summary>Sign-in attempts per minute from one address (the controller also locks a user out after repeated failures).</summary>
    public int SignInsPerMinute { get; set; } = 10;

    public OidcOptions Oidc { get; set; } = new();

    public sealed class OidcOptions
    {
        /// <summary>The provider's issuer URL; empty: single sign-on off (local users only).</summary>
        public string Authority { get; set; } = "";

        public string ClientId { get; set; } = "";

        public string ClientSecret { get; set; } = "";

        /// <summary>The controller's audience (<c>Auth:Oidc:Audience</c> on the controller), asked for as the access token's resource.</summary>
        public string Resource { get; set; } = "";

        /// <summary>The scopes asked for, space separated (add the one the provider grants the controller's API under).</summary>
        public string Scopes { get; set; } = "openid profile";

        /// <summary>What the sign-in page's button says.</summary>
        public string DisplayName { get; set; } = "single sign-on";

        public bool RequireHttpsMetadata { get; set; } = true;

        public bool Enabled => Authority.Length > 0;
    }
}

internal sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var errors = new List<string>();
        if (options.SignInsPerMinute is < 1 or > 10_000)
        {
            errors.Add($"Auth:SignInsPerMinute: {options.SignInsPerMinute} is not between 1 and 10000");
        }

        var oidc = options.Oidc;
        if (oidc.Enabled)
        {
            if (!Uri.TryCreate(oidc.Authority, UriKind.Absolute, out var authority) || authority.Scheme is not ("https" or "http"))
            {
                errors.Add($"Auth:Oidc:Authority: '{oidc.Authority}' is not an http(s) URL");
            }
            else if (authority.Scheme == "http" && oidc.RequireHttpsMetadata)
            {
                errors.Add($"Auth:Oidc:Authority: '{oidc.Authority}' is plain http (set Auth:Oidc:RequireHttpsMetadata=false only for a test provider)");
            }

            if (oidc.ClientId.Length == 0)
            {
                errors.Add("Auth:Oidc:ClientId: required when Auth:Oidc:Authority is set");
            }

            if (oidc.Resource.Length == 0)
            {
                errors.Add("Auth:Oidc:Resource: required when Auth:Oidc:Authority is set (the controller's Auth:Oidc:Audience)");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
