using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace HaCluster.Shared.Tls;

/// <summary>
/// How a client of the controller (an agent, the dashboard, a tool) does TLS: the controller's certificate must chain to
/// <see cref="Ca"/> and name the host dialled; the client shows the certificate <see cref="ClientCertificate"/> returns at
/// each handshake (a renewed one from the next connection on).
/// </summary>
public sealed class ControllerTls
{
    private ControllerTls(X509Certificate2? ca, Func<X509Certificate2?>? clientCertificate) => (Ca, ClientCertificate) = (ca, clientCertificate);

    /// <summary>The CA the controller's certificate must chain to; null only for <see cref="Discovery"/>.</summary>
    public X509Certificate2? Ca { get; }

    public Func<X509Certificate2?>? ClientCertificate { get; }

    /// <summary>
    /// Accepts whatever certificate the controller shows: only for reading the CA it claims, which the caller then checks
    /// against a pin (<see cref="CaPin"/>) before it sends anything secret.
    /// </summary>
    public static ControllerTls Discovery { get; } = new(null, null);

    public static ControllerTls Trusting(X509Certificate2 ca, Func<X509Certificate2?>? clientCertificate = null)
    {
        ArgumentNullException.ThrowIfNull(ca);
        return new ControllerTls(ca, clientCertificate);
    }

    public SslClientAuthenticationOptions ToSslOptions()
    {
        var options = new SslClientAuthenticationOptions
        {
            EnabledSslProtocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13,
        };
        if (Ca is null)
        {
            options.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
        }
        else
        {
            var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
            policy.CustomTrustStore.Add(Ca);
            options.CertificateChainPolicy = policy;
        }

        if (ClientCertificate is { } select)
        {
            options.LocalCertificateSelectionCallback = (_, _, _, _, _) => select()!;
        }

        return options;
    }
}
