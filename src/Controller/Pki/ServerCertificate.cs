using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace HaCluster.Controller.Pki;

/// <summary>
/// The controller's TLS certificate when it is its own CA: issued in memory at start for <c>Tls:ServerNames</c> over a
/// fresh key (never written to disk), and issued again once two thirds of its life are over — the next handshake gets
/// the new one; connections already open go on.
/// </summary>
public sealed class ServerCertificate(ControllerPki pki, IOptions<TlsOptions> options, TimeProvider clock)
{
    private readonly Lock _lock = new();
    private X509Certificate2? _current;
    private DateTimeOffset _renewAt;

    public X509Certificate2 Current
    {
        get
        {
            var now = clock.GetUtcNow();
            lock (_lock)
            {
                if (_current is null || now >= _renewAt)
                {
                    var lifetime = options.Value.ServerCertificateLifetime;
                    using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                    _current = pki.RequireAuthority().IssueServer(key, options.Value.ResolveServerNames(), now, lifetime);
                    _renewAt = now + (lifetime * 2 / 3);
                }

                return _current;
            }
        }
    }
}
