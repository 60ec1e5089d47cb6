using System.Threading.RateLimiting;
using HaCluster.Shared.Vocabulary;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace HaCluster.Dashboard.Access;

/// <summary>
/// Who is at the dashboard, by ASP.NET Core's cookie authentication (the session cookie is encrypted with Data
/// Protection, HttpOnly, SameSite=Lax, and ends when the controller token inside it does), signed in either as a local
/// user (the sign-in page posts the password to the controller's <c>POST /api/v1/session</c>, antiforgery checked) or
/// by single sign-on (the OpenIdConnect handler, code flow with PKCE; the provider's access token is what the controller
/// accepts). Every page needs a signed-in person (the fallback policy); the sign-in page and static files are the only
/// exceptions.
/// </summary>
public static class DashboardAuth
{
    public const string SignInPath = "/signin";
    public const string SingleSignOnPath = "/signin/sso";
    public const string SignOutPath = "/signout";
    public const string ForbiddenPath = "/forbidden";
    public const string SignInLimit = "sign-in";

    /// <summary>Changing groups, users, keys; reading the audit.</summary>
    public const string AdminPolicy = "admin";

    public static IServiceCollection AddDashboardAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<AuthOptions>().BindConfiguration("Auth");
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        var auth = configuration.GetSection("Auth").Get<AuthOptions>() ?? new AuthOptions();
        var protection = services.AddDataProtection().SetApplicationName("hacluster-dashboard");
        if (auth.KeysDir.Length > 0)
        {
            protection.PersistKeysToFileSystem(new DirectoryInfo(auth.KeysDir));
        }

        var authentication = services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(o =>
            {
                o.Cookie.Name = "hacluster-session";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.LoginPath = SignInPath;
                o.LogoutPath = SignOutPath;
                o.AccessDeniedPath = ForbiddenPath;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = false;
            });
        if (auth.Oidc.Enabled)
        {
            authentication.AddOpenIdConnect(o =>
            {
                var oidc = auth.Oidc;
                o.Authority = oidc.Authority;
                o.ClientId = oidc.ClientId;
                o.ClientSecret = oidc.ClientSecret.Length > 0 ? oidc.ClientSecret : null;
                o.RequireHttpsMetadata = oidc.RequireHttpsMetadata;
                o.ResponseType = OpenIdConnectResponseType.Code;
                o.ResponseMode = OpenIdConnectResponseMode.Query;
                o.UsePkce = true;
                o.MapInboundClaims = false;
                o.SaveTokens = false;
                o.GetClaimsFromUserInfoEndpoint = false;
                o.CallbackPath = "/signin-oidc";
                o.Scope.Clear();
                foreach (var scope in oidc.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    o.Scope.Add(scope);
                }

                // Same-site top-level redirects carry Lax cookies; the dashboard may be plain http on loopback.
                o.CorrelationCookie.SameSite = o.NonceCookie.SameSite = SameSiteMode.Lax;
                o.CorrelationCookie.SecurePolicy = o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.Events = new OpenIdConnectEvents
                {
                    OnRedirectToIdentityProvider = context =>
                    {
                        context.ProtocolMessage.Resource = oidc.Resource;
                        return Task.CompletedTask;
                    },
                    OnAuthorizationCodeReceived = context =>
                    {
                        context.TokenEndpointRequest!.Resource = oidc.Resource;
                        return Task.CompletedTask;
                    },
                    OnTokenValidated = SingleSignOnAsync,
                    OnRemoteFailure = context =>
                    {
                        context.Response.Redirect($"{SignInPath}?error={Uri.EscapeDataString(context.Failure?.Message ?? "single sign-on failed")}");
                        context.HandleResponse();
                        return Task.CompletedTask;
                    },
                };
            });
        }

        services.AddAuthorizationBuilder()
            .AddPolicy(AdminPolicy, p => p.RequireAuthenticatedUser().RequireRole(Role.Admin.Name()))
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        services.AddCascadingAuthenticationState();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // Only password posts count: showing the page costs nothing.
            o.AddPolicy(SignInLimit, context => context.Request.Method != HttpMethods.Post
                ? RateLimitPartition.GetNoLimiter("")
                : RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = auth.SignInsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        });
        return services;
    }

    /// <summary><c>GET /signin/sso</c> (to the provider) and <c>POST /signout</c> (a form with its antiforgery token).</summary>
    public static IEndpointRouteBuilder MapSignInEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet(SingleSignOnPath, (string? returnUrl, IOptions<AuthOptions> options) => options.Value.Oidc.Enabled
                ? Results.Challenge(new AuthenticationProperties { RedirectUri = SignedIn.LocalPath(returnUrl) }, [OpenIdConnectDefaults.AuthenticationScheme])
                : Results.Problem("single sign-on is not configured (Auth:Oidc:Authority)", statusCode: StatusCodes.Status404NotFound))
            .AllowAnonymous();
        // [FromForm] makes the endpoint validate the antiforgery token: a cross-site form cannot sign anyone out.
        app.MapPost(SignOutPath, async (HttpContext context, [FromForm] string? returnUrl) =>
        {
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.LocalRedirect(SignInPath);
        });
        return app;
    }

    /// <summary>
    /// The provider answered with tokens: its access token is what the dashboard will call the controller with, so the
    /// controller is asked who that is (<c>GET /api/v1/me</c>); a token it refuses (no role, wrong audience) ends the sign-in with its reason.
    /// </summary>
    private static async Task SingleSignOnAsync(TokenValidatedContext context)
    {
        var accessToken = context.TokenEndpointResponse?.AccessToken;
        if (string.IsNullOrEmpty(accessToken))
        {
            context.Fail("the provider sent no access token");
            return;
        }

        var api = context.HttpContext.RequestServices.GetRequiredService<ControllerApi>();
        try
        {
            var me = await api.MeAsync(accessToken, context.HttpContext.RequestAborted);
            context.Principal = SignedIn.Principal(me.Name, me.Role, "oidc", accessToken);
            if (int.TryParse(context.TokenEndpointResponse!.ExpiresIn, out var seconds))
            {
                context.Properties!.ExpiresUtc = DateTimeOffset.UtcNow.AddSeconds(seconds);
            }
        }
        catch (ControllerRefusal refusal)
        {
            context.Fail($"the controller refused the single sign-on token: {refusal.Explain()}");
        }
    }
}
