using System.Security.Claims;
using System.Security.Cryptography.X509Certificates;
using HaCluster.Controller.Pki;
using HaCluster.Shared.Tls;
using HaCluster.Shared.Vocabulary;
using Microsoft.AspNetCore.Authentication.Certificate;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Options;

namespace HaCluster.Controller.Security;

/// <summary>
/// Identity is the client certificate, checked by ASP.NET Core's certificate authentication: it must chain to the
/// controller's CA (or the site's), be valid now, be meant for client authentication, name a CN and a role (OU), and not
/// be revoked. The caller is then that name in that role; nothing a caller says about itself counts.
/// </summary>
public static class CertificateSignIn
{
    public const string SerialClaim = "hacluster:serial";

    /// <summary>Why the certificate was refused, for the refusal's message (<see cref="Refusals"/>).</summary>
    internal const string RefusalItem = "hacluster:refusal";

    public static IServiceCollection AddCertificateSignIn(this IServiceCollection services, Microsoft.AspNetCore.Authentication.AuthenticationBuilder authentication)
    {
        authentication.AddCertificate(o =>
        {
            o.AllowedCertificateTypes = CertificateTypes.Chained;
            o.ChainTrustValidationMode = X509ChainTrustMode.CustomRootTrust;
            o.RevocationMode = X509RevocationMode.NoCheck;
            o.ValidateCertificateUse = true;
            o.ValidateValidityPeriod = true;
            o.Events = new CertificateAuthenticationEvents { OnCertificateValidated = OnValidatedAsync };
        });
        services.AddOptions<CertificateAuthenticationOptions>(CertificateAuthenticationDefaults.AuthenticationScheme)
            .Configure<ControllerPki>((o, pki) => o.CustomTrustStore = [pki.ClientCa]);

        // TLS on every endpoint: the server certificate (this controller's own, unless Kestrel is given the site's), and a
        // client certificate asked for but not required at the handshake — the refusal comes from authorization, with a reason.
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<TlsOptions>, IServiceProvider>((kestrel, tls, sp) =>
            kestrel.ConfigureHttpsDefaults(https =>
            {
                https.SslProtocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13;
                https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
                https.AllowAnyClientCertificate();
                if (!tls.Value.SitePki)
                {
                    var server = sp.GetRequiredService<ServerCertificate>();
                    https.ServerCertificateSelector = (_, _) => server.Current;
                }
            }));
        return services;
    }

    private static async Task OnValidatedAsync(CertificateValidatedContext context)
    {
        var certificate = context.ClientCertificate;
        string? refusal = null;
        if (!CertificateIdentity.TryRead(certificate, out var name, out var role, out var problem))
        {
            refusal = problem;
        }
        else if (await context.HttpContext.RequestServices.GetRequiredService<Revocations>().IsRevokedAsync(certificate.SerialNumber, context.HttpContext.RequestAborted))
        {
            refusal = $"the certificate of {role.Name()} {name} (serial {certificate.SerialNumber}) is revoked";
        }

        if (refusal is not null)
        {
            context.HttpContext.Items[RefusalItem] = refusal;
            context.Fail(refusal);
            return;
        }

        Claim[] claims =
        [
            new(ClaimTypes.Name, name, ClaimValueTypes.String, context.Options.ClaimsIssuer),
            new(ClaimTypes.Role, role.Name(), ClaimValueTypes.String, context.Options.ClaimsIssuer),
            new(SerialClaim, certificate.SerialNumber, ClaimValueTypes.String, context.Options.ClaimsIssuer),
        ];
        context.Principal = new ClaimsPrincipal(new ClaimsIdentity(claims, context.Scheme.Name, ClaimTypes.Name, ClaimTypes.Role));
        context.Success();
    }
}

/// <summary>Who the caller is, as authentication established it.</summary>
public static class Caller
{
    /// <summary>The caller's name, for the audit ("anonymous" only on open endpoints).</summary>
    public static string Who(this ClaimsPrincipal user) => user.Identity?.Name is { Length: > 0 } name ? name : "anonymous";

    /// <summary>Role and name, for log lines and refusals ("admin alice", "agent n1").</summary>
    public static string Describe(this ClaimsPrincipal user) => user.Identity?.Name is { Length: > 0 } name ? $"{user.Role().Name()} {name}" : "anonymous";

    /// <summary>The caller of this request for the audit: name and role from authentication, source address, request id.</summary>
    public static Domain.Actor Actor(this HttpContext context) => new(
        context.User.Who(),
        context.User.Identity?.IsAuthenticated == true ? context.User.Role().Name() : "anonymous",
        context.Connection.RemoteIpAddress?.ToString() ?? "local",
        context.TraceIdentifier);

    public static Role Role(this ClaimsPrincipal user) =>
        Names.TryParse(user.FindFirstValue(ClaimTypes.Role), out Role role) ? role : Shared.Vocabulary.Role.Unspecified;
}
