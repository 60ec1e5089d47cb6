using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using HaCluster.Shared.Tls;
using HaCluster.Shared.Vocabulary;

namespace HaCluster.Controller.Pki;

/// <summary>
/// The controller's own CA: an ECDSA P-256 key (<c>ca.key</c>, 0600, in a 0700 directory) and its self-signed certificate
/// (<c>ca.crt</c>), made at first start. It signs the controller's server certificate and the clients' certificates
/// (CN = name, OU = role); agents pin it by <see cref="Pin"/>.
/// </summary>
public sealed class CertificateAuthority
{
    public const string KeyFile = "ca.key";
    public const string CertificateFile = "ca.crt";
    private static readonly TimeSpan CaLifetime = TimeSpan.FromDays(3652);

    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");

    private readonly X509Certificate2 _signer;

    private CertificateAuthority(X509Certificate2 signer)
    {
        _signer = signer;
        Certificate = X509CertificateLoader.LoadCertificate(signer.RawData);
        Pem = Certificate.ExportCertificatePem() + "\n";
        Pin = CaPin.Of(Certificate);
    }

    /// <summary>The CA certificate, without its key.</summary>
    public X509Certificate2 Certificate { get; }

    public string Pem { get; }

    /// <summary>What join tokens carry (<see cref="CaPin"/>).</summary>
    public string Pin { get; }

    /// <summary>Null when <paramref name="dir"/> holds a usable CA or none yet; else why it cannot be used (a key others can read, or an unreadable one).</summary>
    public static string? Problem(string dir)
    {
        var key = Path.Combine(dir, KeyFile);
        try
        {
            return File.Exists(key) ? PrivateFiles.TooOpen(key, "the CA's private key") : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot read {key}: {e.Message}";
        }
    }

    /// <summary>The CA in <paramref name="dir"/>, made there first if there is none.</summary>
    /// <exception cref="InvalidOperationException">The key is readable by others, or the files cannot be read.</exception>
    public static CertificateAuthority LoadOrCreate(string dir, DateTimeOffset now)
    {
        if (Problem(dir) is { } problem)
        {
            throw new InvalidOperationException(problem);
        }

        var keyPath = Path.Combine(dir, KeyFile);
        var certificatePath = Path.Combine(dir, CertificateFile);
        if (File.Exists(keyPath))
        {
            try
            {
                return new CertificateAuthority(X509Certificate2.CreateFromPemFile(certificatePath, keyPath));
            }
            catch (Exception e) when (e is IOException or CryptographicException)
            {
                throw new InvalidOperationException($"cannot read the CA in {dir}: {e.Message}", e);
            }
        }

        PrivateFiles.EnsureDirectory(dir);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddOrganizationName("HaCluster");
        subject.AddCommonName($"HaCluster controller CA {Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}");
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var ca = request.CreateSelfSigned(now.AddHours(-1), now + CaLifetime);
        PrivateFiles.WriteText(certificatePath, ca.ExportCertificatePem() + "\n");
        PrivateFiles.WriteText(keyPath, key.ExportPkcs8PrivateKeyPem() + "\n");
        return new CertificateAuthority(ca);
    }

    /// <summary>A client certificate for <paramref name="name"/> in <paramref name="role"/> over <paramref name="publicKey"/>.</summary>
    public X509Certificate2 IssueClient(PublicKey publicKey, string name, Role role, DateTimeOffset now, TimeSpan lifetime)
    {
        var request = new CertificateRequest(CertificateIdentity.Subject(name, role), publicKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ClientAuth], false));
        // Not backdated: client certificates are checked by the controllers' clocks, which issued them.
        return Sign(request, now, now + lifetime);
    }

    /// <summary>The controller's TLS certificate for <paramref name="names"/> (host names and addresses).</summary>
    public X509Certificate2 IssueServer(ECDsa key, IEnumerable<string> names, DateTimeOffset now, TimeSpan lifetime)
    {
        var sans = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            if (IPAddress.TryParse(name, out var address))
            {
                sans.AddIpAddress(address);
            }
            else
            {
                sans.AddDnsName(name);
            }
        }

        var subject = new X500DistinguishedNameBuilder();
        subject.AddOrganizationName("HaCluster");
        subject.AddCommonName("hacluster-controller");
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(sans.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ServerAuth], false));
        // Backdated a little: agents check it with their own clocks.
        return Sign(request, now.AddMinutes(-5), now + lifetime).CopyWithPrivateKey(key);
    }

    private X509Certificate2 Sign(CertificateRequest request, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        // Positive, and no leading zero byte for DER to trim: the serial reads back as these 16 bytes.
        serial[0] = (byte)((serial[0] & 0x7f) | 0x40);
        var end = notAfter < new DateTimeOffset(_signer.NotAfter.ToUniversalTime()) ? notAfter : new DateTimeOffset(_signer.NotAfter.ToUniversalTime());
        return request.Create(_signer, notBefore, end, serial);
    }
}
