using HaCluster.Controller.Data;
using Microsoft.Extensions.Options;

namespace HaCluster.Controller.Security;

/// <summary>Sign-in for people and automation (<c>Auth:</c>): sessions of local users, lockout, and single sign-on.</summary>
public sealed class AccessOptions
{
    /// <summary>How long a session token from <c>POST /api/v1/session</c> lasts.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Failed sign-ins in a row before a user is locked out.</summary>
    public int LockoutFailures { get; set; } = 5;

    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Sign-in attempts per source address per minute (then 429).</summary>
    public int SignInsPerMinute { get; set; } = 10;

    /// <summary>Requests per minute per signed-in caller (a user, a key, a certificate's name), then 429.</summary>
    public int RequestsPerMinute { get; set; } = 6000;

    /// <summary>Requests per minute per source address from callers with no credential (refused anyway; this bounds the refusing), then 429.</summary>
    public int AnonymousRequestsPerMinute { get; set; } = 300;

    /// <summary>The session signing key file (0600); default <c>{Storage:DataDir}/session.key</c>.</summary>
    public string? SessionKeyPath { get; set; }

    public OidcOptions Oidc { get; set; } = new();

    public string ResolveSessionKeyPath(StorageOptions storage) => Path.GetFullPath(SessionKeyPath ?? Path.Combine(storage.DataDir, "session.key"));
}

/// <summary>Single sign-on: the provider's JWTs are accepted as bearer tokens, the role taken from a claim.</summary>
public sealed class OidcOptions
{
    /// <summary>The provider's issuer URL (its discovery document is read from there); empty: single sign-on is off.</summary>
    public string Authority { get; set; } = "";

    /// <summary>The audience tokens must carry (the client id registered for HaCluster).</summary>
    public string Audience { get; set; } = "";

    /// <summary>The claim holding the HaCluster role (viewer, operator, admin).</summary>
    public string RoleClaim { get; set; } = "hacluster_role";

    /// <summary>The claim holding the user's name.</summary>
    public string NameClaim { get; set; } = "preferred_username";

    /// <summary>Plain-http authority allowed (a test provider on loopback only).</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    public bool Enabled => Authority.Length > 0;
}

internal sealed class AccessOptionsValidator : IValidateOptions<AccessOptions>
{
    public ValidateOptionsResult Validate(string? name, AccessOptions options)
    {
        var errors = new List<string>();
        if (options.SessionLifetime < TimeSpan.FromMinutes(1) || options.SessionLifetime > TimeSpan.FromDays(7))
        {
            errors.Add($"Auth:SessionLifetime: {options.SessionLifetime} is not between 1 minute and 7 days");
        }

        if (options.LockoutFailures is < 1 or > 100)
        {
            errors.Add($"Auth:LockoutFailures: {options.LockoutFailures} is not between 1 and 100");
        }

        if (options.LockoutDuration < TimeSpan.FromSeconds(1) || options.LockoutDuration > TimeSpan.FromDays(1))
        {
            errors.Add($"Auth:LockoutDuration: {options.LockoutDuration} is not between 1 second and 1 day");
        }

        if (options.RequestsPerMinute is < 1 or > 1_000_000)
        {
            errors.Add($"Auth:RequestsPerMinute: {options.RequestsPerMinute} is not between 1 and 1000000");
        }

        if (options.AnonymousRequestsPerMinute is < 1 or > 1_000_000)
        {
            errors.Add($"Auth:AnonymousRequestsPerMinute: {options.AnonymousRequestsPerMinute} is not between 1 and 1000000");
        }

        if (options.SignInsPerMinute is < 1 or > 10_000)
        {
            errors.Add($"Auth:SignInsPerMinute: {options.SignInsPerMinute} is not between 1 and 10000");
        }

        if (options.Oidc.Enabled)
        {
            if (!Uri.TryCreate(options.Oidc.Authority, UriKind.Absolute, out var authority) || authority.Scheme is not ("https" or "http"))
            {
                errors.Add($"Auth:Oidc:Authority: '{options.Oidc.Authority}' is not an http(s) URL");
            }
            else if (authority.Scheme == "http" && options.Oidc.RequireHttpsMetadata)
            {
                errors.Add($"Auth:Oidc:Authority: '{options.Oidc.Authority}' is plain http (set Auth:Oidc:RequireHttpsMetadata=false only for a test provider)");
            }

            if (options.Oidc.Audience.Length == 0)
            {
                errors.Add("Auth:Oidc:Audience: required with Auth:Oidc:Authority (the client id tokens are issued for)");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
