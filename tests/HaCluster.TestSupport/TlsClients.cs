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

    /// <summary>A CA of nobody's (for "a certificate from another CA"), and a client certificate from it.</summary>
    public static X509Certificate2 ForeignCertificate(string name, Role role)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Someone else's CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(CertificateIdentity.Subject(name, role), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var issued = request.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1), RandomNumberGenerator.GetBytes(16));
        return issued.CopyWithPrivateKey(key);
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

/// <summary>PEM files for a client of nobody's CA (where a test needs readable files but no controller to trust them).</summary>
public static class TestPki
{
    /// <summary>Writes <c>ca.crt</c>, <c>client.crt</c> and <c>client.key</c> (0600) into <paramref name="directory"/>.</summary>
    public static (string Ca, string Certificate, string Key) WriteClientFiles(string directory)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var client = new CertificateRequest(CertificateIdentity.Subject("test", Role.Admin), key, HashAlgorithmName.SHA256)
            .Create(ca, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1), RandomNumberGenerator.GetBytes(16));
        var paths = (Path.Combine(directory, "ca.crt"), Path.Combine(directory, "client.crt"), Path.Combine(directory, "client.key"));
        PrivateFiles.WriteText(paths.Item1, ca.ExportCertificatePem());
        PrivateFiles.WriteText(paths.Item2, client.ExportCertificatePem());
        PrivateFiles.WriteText(paths.Item3, key.ExportPkcs8PrivateKeyPem());
        return paths;
    }
}
