using System.Security.Claims;
using HaCluster.Controller.Data;
using HaCluster.Shared.Vocabulary;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Certificate;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace HaCluster.Controller.Security;

/// <summary>
/// Who the caller is, by ASP.NET Core's own authentication handlers, picked by what the caller presents:
/// <c>Authorization: Bearer hck_...</c> an API key (<see cref="ApiKeyHandler"/>); another bearer token a session of a
/// local user (JwtBearer, this controller's key) or, when configured, a single sign-on token (JwtBearer, the provider's
/// keys); otherwise the client certificate (<see cref="CertificateSignIn"/>). Every one makes the same principal: a
/// name and one role.
/// </summary>
public static class SignIn
{
    public const string Scheme = "hacluster";
    public const string SessionScheme = "session";
    public const string OidcScheme = "oidc";

    public static IServiceCollection AddControllerAuthentication(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<AccessOptions>().BindConfiguration("Auth");
        services.AddSingleton<IValidateOptions<AccessOptions>, AccessOptionsValidator>();
        services.AddSingleton<AccessRepository>();
        services.AddSingleton<ApiKeys>();
        services.AddSingleton<Users>();
        services.AddSingleton<SessionTokens>();
        var authentication = services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "certificate, API key or bearer token", o => o.ForwardDefaultSelector = Select)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyHandler>(ApiKeyHandler.SchemeName, null)
            .AddJwtBearer(SessionScheme, o =>
            {
                o.MapInboundClaims = false;
                o.Events = new JwtBearerEvents { OnAuthenticationFailed = Failed, OnTokenValidated = SessionValidatedAsync };
            })
            .AddJwtBearer(OidcScheme, o => o.MapInboundClaims = false);
        services.AddOptions<JwtBearerOptions>(SessionScheme).Configure<SessionTokens>((o, tokens) => o.TokenValidationParameters = tokens.ValidationParameters());
        // Single sign-on, read when first used (so that it is configuration only): never selected unless Auth:Oidc:Authority is set.
        services.AddOptions<JwtBearerOptions>(OidcScheme).Configure<IOptions<AccessOptions>>((o, access) =>
        {
            var oidc = access.Value.Oidc;
            if (!oidc.Enabled)
            {
                return;
            }

            o.Authority = oidc.Authority;
            o.Audience = oidc.Audience;
            o.RequireHttpsMetadata = oidc.RequireHttpsMetadata;
            o.TokenValidationParameters = new TokenValidationParameters { NameClaimType = oidc.NameClaim, RoleClaimType = oidc.RoleClaim };
            o.Events = new JwtBearerEvents { OnAuthenticationFailed = Failed, OnTokenValidated = context => OidcValidated(context, oidc) };
        });

        services.AddCertificateSignIn(authentication);
        return services;
    }

    /// <summary>The bearer token of the request, or null.</summary>
    public static string? Bearer(HttpRequest request) =>
        request.Headers.Authorization.ToString() is { } header && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;

    private static string Select(HttpContext context) => Bearer(context.Request) switch
    {
        null => CertificateAuthenticationDefaults.AuthenticationScheme,
        var key when key.StartsWith(ApiKeys.Prefix, StringComparison.Ordinal) => ApiKeyHandler.SchemeName,
        var token when context.RequestServices.GetRequiredService<IOptions<AccessOptions>>().Value.Oidc.Enabled
            && SessionTokens.PeekIssuer(token) is { } issuer && issuer != SessionTokens.Issuer => OidcScheme,
        _ => SessionScheme,
    };

    private static Task Failed(AuthenticationFailedContext context)
    {
        context.HttpContext.Items[CertificateSignIn.RefusalItem] = context.Exception switch
        {
            SecurityTokenExpiredException expired => $"the bearer token expired at {expired.Expires:u}: sign in again",
            _ => $"the bearer token is not valid here ({context.Exception.GetType().Name}): sign in again",
        };
        return Task.CompletedTask;
    }

    private static async Task SessionValidatedAsync(TokenValidatedContext context)
    {
        var principal = context.Principal!;
        var name = principal.FindFirstValue("sub") ?? "";
        var stamp = principal.FindFirstValue(SessionTokens.StampClaim) ?? "";
        var problem = !Names.TryParse(principal.FindFirstValue("role"), out Role role)
            ? "the session names no role"
            : await context.HttpContext.RequestServices.GetRequiredService<Users>().SessionProblemAsync(name, role, stamp, context.HttpContext.RequestAborted);
        if (problem is not null)
        {
            context.HttpContext.Items[CertificateSignIn.RefusalItem] = problem;
            context.Fail(problem);
            return;
        }

        context.Principal = SessionTokens.Principal(name, role, SessionScheme);
    }

    private static Task OidcValidated(TokenValidatedContext context, OidcOptions oidc)
    {
        var principal = context.Principal!;
        var name = principal.FindFirstValue(oidc.NameClaim) ?? principal.FindFirstValue("sub") ?? "";
        // The strongest role the provider grants (a claim may hold several).
        var role = principal.FindAll(oidc.RoleClaim).Select(c => Names.TryParse(c.Value, out Role r) ? r : Role.Unspecified)
            .Where(r => r.IsPersonRole()).DefaultIfEmpty(Role.Unspecified).Max();
        if (name.Length == 0 || role == Role.Unspecified)
        {
            var problem = name.Length == 0
                ? $"the single sign-on token has no '{oidc.NameClaim}' or 'sub' claim"
                : $"the single sign-on token of {name} grants no HaCluster role in its '{oidc.RoleClaim}' claim (viewer, operator or admin)";
            context.HttpContext.Items[CertificateSignIn.RefusalItem] = problem;
            context.Fail(problem);
            return Task.CompletedTask;
        }

        context.Principal = SessionTokens.Principal(name, role, OidcScheme);
        return Task.CompletedTask;
    }
}
