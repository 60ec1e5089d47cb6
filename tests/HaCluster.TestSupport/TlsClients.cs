using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;
using HaCluster.Contracts;
using HaCluster.Shared.Tls;

namespace HaCluster.TestSupport;

/// <summary>Clients of a controller as real ones are: TLS verified against its CA, with a client certificate or without.</summary>
public static class TlsClients
{
    public static HttpClient Http(Uri baseAddress, X509Certificate2 ca, X509Certificate2? certificate) =>
        new(new SocketsHttpHandler { SslOptions = Tls(ca, certificate).ToSslOptions() }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };

    public static GrpcChannel Grpc(Uri address, X509Certificate2 ca, X509Certificate2? certificate) =>
        ControllerAddress.OpenChannel(address, Tls(ca, certificate));

    /// <summary>Enrolls <paramref name="node"/> as an agent does: a key made here, a certificate request, the token.</summary>
    public static async Task<X509Certificate2> EnrollAsync(GrpcChannel channel, string token, string node)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(CertificateIdentity.Subject(node, Role.Agent), key, HashAlgorithmName.SHA256);
        var reply = await new Enrollment.EnrollmentClient(channel).EnrollAsync(new EnrollRequest { Token = token, Node = node, CsrPem = request.CreateSigningRequestPem() });
        return X509Certificate2.CreateFromPem(reply.CertificatePem).CopyWithPrivateKey(key);
    }

    /// <summary>A client certificate from a CA of nobody's (for "a certificate from another CA").</summary>
    public static X509Certificate2 ForeignCertificate(string name, Role role)
    {
        using var ca = TestCa.Create("Someone else's CA");
        return ca.Client(name, role);
    }

    private static ControllerTls Tls(X509Certificate2 ca, X509Certificate2? certificate) =>
        ControllerTls.Trusting(ca, certificate is null ? null : () => certificate);
}

/// <summary>
/// Agents' channels to one controller, one per node, each with that node's certificate — enrolled the real way (a join
/// token from the controller's API, then <c>Enrollment.Enroll</c>) the first time a node is asked for.
/// </summary>
public sealed class AgentChannels(Func<string, Task<string>> createToken, Func<X509Certificate2?, GrpcChannel> open) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<(X509Certificate2 Certificate, GrpcChannel Channel)>>> _nodes = new(StringComparer.Ordinal);

    public async Task<GrpcChannel> ForAsync(string node) => (await Enrolled(node)).Channel;

    public async Task<X509Certificate2> CertificateAsync(string node) => (await Enrolled(node)).Certificate;

    public void Dispose()
    {
        foreach (var node in _nodes.Values.Where(n => n.Value.IsCompletedSuccessfully))
        {
            node.Value.Result.Channel.Dispose();
        }
    }

    private Task<(X509Certificate2 Certificate, GrpcChannel Channel)> Enrolled(string node) =>
        _nodes.GetOrAdd(node, n => new Lazy<Task<(X509Certificate2, GrpcChannel)>>(async () =>
        {
            using var anonymous = open(null);
            var certificate = await TlsClients.EnrollAsync(anonymous, await createToken(n), n);
            return (certificate, open(certificate));
        })).Value;
}

/// <summary>
/// A CA made by a test: a site's PKI, or someone else's. Issues client certificates (CN = name, OU = role) and server
/// certificates, and writes PEM files (0600) the way a site hands them out.
/// </summary>
public sealed class TestCa : IDisposable
{
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");
    private readonly X509Certificate2 _signer;

    private TestCa(X509Certificate2 signer) => (_signer, Certificate) = (signer, X509CertificateLoader.LoadCertificate(signer.RawData));

    public X509Certificate2 Certificate { get; }

    public static TestCa Create(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        return new TestCa(request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30)));
    }

    public X509Certificate2 Client(string name, Role role) => Issue(CertificateIdentity.Subject(name, role), ClientAuth, null);

    public X509Certificate2 Server(params string[] names)
    {
        var sans = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            if (System.Net.IPAddress.TryParse(name, out var address))
                sans.AddIpAddress(address);
            else
                sans.AddDnsName(name);
        }

        return Issue(new X500DistinguishedName("CN=server"), ServerAuth, sans.Build());
    }

    public string WriteCa(string path)
    {
        PrivateFiles.WriteText(path, Certificate.ExportCertificatePem() + "\n");
        return path;
    }

    /// <summary>Writes <paramref name="certificate"/> and its key to <c>{prefix}.crt</c> and <c>{prefix}.key</c>.</summary>
    public static (string Certificate, string Key) Write(X509Certificate2 certificate, string prefix)
    {
        using var key = certificate.GetECDsaPrivateKey()!;
        PrivateFiles.WriteText(prefix + ".crt", certificate.ExportCertificatePem() + "\n");
        PrivateFiles.WriteText(prefix + ".key", key.ExportPkcs8PrivateKeyPem() + "\n");
        return (prefix + ".crt", prefix + ".key");
    }

    public void Dispose()
    {
        _signer.Dispose();
        Certificate.Dispose();
    }

    private X509Certificate2 Issue(X500DistinguishedName subject, Oid usage, X509Extension? names)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([usage], false));
        if (names is not null)
            request.CertificateExtensions.Add(names);
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] = (byte)((serial[0] & 0x7f) | 0x40);
        using var issued = request.Create(_signer, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), serial);
        return issued.CopyWithPrivateKey(key);
    }
}

/// <summary>PEM files for a client of nobody's CA (where a test needs readable files but no controller to trust them).</summary>
public static class TestPki
{
    /// <summary>Writes <c>ca.crt</c>, <c>client.crt</c> and <c>client.key</c> (0600) into <paramref name="directory"/>.</summary>
    public static (string Ca, string Certificate, string Key) WriteClientFiles(string directory)
    {
        using var ca = TestCa.Create("Test CA");
        var (certificate, key) = TestCa.Write(ca.Client("test", Role.Admin), Path.Combine(directory, "client"));
        return (ca.WriteCa(Path.Combine(directory, "ca.crt")), certificate, key);
    }
}
