using System.Security.Cryptography.X509Certificates;
using HaCluster.Controller.Data;
using Microsoft.Extensions.Options;

namespace HaCluster.Controller.Pki;

/// <summary>
/// The trust this controller runs with: its own CA (the default), or the site's CA for client certificates
/// (<c>Tls:ClientCaPath</c>), in which case nothing here issues certificates.
/// </summary>
public sealed class ControllerPki
{
    public ControllerPki(IOptions<TlsOptions> tls, IOptions<StorageOptions> storage, TimeProvider clock)
    {
        var options = tls.Value;
        if (options.SitePki)
        {
            ClientCa = X509Certificate2.CreateFromPem(File.ReadAllText(options.ClientCaPath!));
        }
        else
        {
            Authority = CertificateAuthority.LoadOrCreate(options.ResolveDir(storage.Value), clock.GetUtcNow());
            ClientCa = Authority.Certificate;
        }
    }

    /// <summary>This controller's CA; null with a site PKI.</summary>
    public CertificateAuthority? Authority { get; }

    /// <summary>What client certificates must chain to.</summary>
    public X509Certificate2 ClientCa { get; }

    /// <exception cref="PkiRefusedException">The site's PKI issues certificates here, not this controller.</exception>
    public CertificateAuthority RequireAuthority() => Authority ?? throw new PkiRefusedException(
        "this controller trusts the site's PKI (Tls:ClientCaPath): certificates come from the site's CA, and there is no enrollment");
}

/// <summary>What kind of no a credential operation got: the APIs answer each with its own status.</summary>
public enum Refusal
{
    /// <summary>Not allowed (a used, expired or unknown token; a token for another node; a site PKI).</summary>
    Denied,
    /// <summary>The request itself is malformed (a bad certificate request, a bad name).</summary>
    Invalid,
    /// <summary>There is nothing of that name.</summary>
    NotFound,
}

/// <summary>A credential operation refused, with the reason the caller is told.</summary>
public sealed class PkiRefusedException(string message, Refusal kind = Refusal.Denied) : Exception(message)
{
    public Refusal Kind { get; } = kind;
}
