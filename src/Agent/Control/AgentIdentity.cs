using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using HaCluster.Shared.Tls;
using HaCluster.Shared.Vocabulary;

namespace HaCluster.Agent.Control;

/// <summary>
/// Who this agent is to the controller: a certificate for its node (CN = node, OU = agent) over a key made on this host,
/// and the CA the controller's certificate must chain to. Either enrolled into the state directory
/// (<c>identity.pem</c>: certificate and key in one file, so a renewal replaces both at once; <c>ca.crt</c>), and then
/// renewed over the link, or the site's own files (<c>--ca --cert --key</c>), which the site renews.
/// </summary>
public sealed class AgentIdentity
{
    public const string IdentityFile = "identity.pem";
    public const string CaFile = "ca.crt";

    private readonly string? _stateDir;
    private volatile X509Certificate2 _certificate;

    private AgentIdentity(string node, X509Certificate2 certificate, X509Certificate2 ca, string? stateDir)
    {
        (Node, _certificate, Ca, _stateDir) = (node, certificate, ca, stateDir);
    }

    public string Node { get; }

    /// <summary>The certificate shown at the next handshake (a renewed one as soon as it is stored).</summary>
    public X509Certificate2 Certificate => _certificate;

    public X509Certificate2 Ca { get; private set; }

    /// <summary>Whether this agent renews its certificate itself (enrolled), or the site does (<c>--cert</c>).</summary>
    public bool Renewable => _stateDir is not null;

    /// <summary>When to ask for a new certificate: two thirds into the current one's life.</summary>
    public DateTimeOffset RenewAt
    {
        get
        {
            var (from, to) = (new DateTimeOffset(Certificate.NotBefore.ToUniversalTime()), new DateTimeOffset(Certificate.NotAfter.ToUniversalTime()));
            return from + ((to - from) * 2 / 3);
        }
    }

    public ControllerTls Tls => ControllerTls.Trusting(Ca, () => Certificate);

    /// <summary>The enrolled identity in <paramref name="stateDir"/>, or null and why not.</summary>
    public static AgentIdentity? FromStateDirectory(string stateDir, string? node, out string problem)
    {
        var identity = Path.Combine(stateDir, IdentityFile);
        var ca = Path.Combine(stateDir, CaFile);
        if (!File.Exists(identity) || !File.Exists(ca))
        {
            problem = $"not enrolled: no {IdentityFile} and {CaFile} in {stateDir} (run hacluster-agent enroll --controller URL --token TOKEN"
                + " first, or give the site's --ca, --cert and --key)";
            return null;
        }

        return Load(identity, null, ca, node, stateDir, out problem);
    }

    /// <summary>The site's files (<c>--ca --cert --key</c>), or null and why not.</summary>
    public static AgentIdentity? FromFiles(string caPath, string certificatePath, string keyPath, string? node, out string problem) =>
        Load(certificatePath, keyPath, caPath, node, null, out problem);

    /// <summary>Stores a renewed certificate with its new key (one atomic write) and shows it from the next connection on.</summary>
    public void Renewed(X509Certificate2 certificate, ECDsa key, X509Certificate2 ca)
    {
        var stateDir = _stateDir ?? throw new InvalidOperationException("the site renews this agent's certificate");
        Store(stateDir, certificate, key, ca);
        (_certificate, Ca) = (certificate.CopyWithPrivateKey(key), ca);
    }

    /// <summary>Writes an identity into <paramref name="stateDir"/> (0700), every file 0600.</summary>
    public static void Store(string stateDir, X509Certificate2 certificate, ECDsa key, X509Certificate2 ca)
    {
        PrivateFiles.EnsureDirectory(stateDir);
        PrivateFiles.WriteText(Path.Combine(stateDir, IdentityFile), certificate.ExportCertificatePem() + "\n" + key.ExportPkcs8PrivateKeyPem() + "\n");
        PrivateFiles.WriteText(Path.Combine(stateDir, CaFile), ca.ExportCertificatePem() + "\n");
    }

    /// <summary>A new key and a certificate request for <paramref name="node"/> over it.</summary>
    public static (ECDsa Key, string CsrPem) NewRequest(string node)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(CertificateIdentity.Subject(node, Role.Agent), key, HashAlgorithmName.SHA256);
        return (key, request.CreateSigningRequestPem());
    }

    /// <summary>Null when <paramref name="certificate"/> is a certificate for <paramref name="node"/> over <paramref name="key"/> from <paramref name="ca"/>; else what is wrong.</summary>
    public static string? Check(X509Certificate2 certificate, ECDsa key, X509Certificate2 ca, string node)
    {
        using var theirs = certificate.GetECDsaPublicKey();
        if (theirs is null || !key.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(theirs.ExportSubjectPublicKeyInfo()))
        {
            return "the certificate is not over this agent's key";
        }

        if (!CertificateIdentity.TryRead(certificate, out var name, out var role, out var problem))
        {
            return problem;
        }

        if (name != node || role != Role.Agent)
        {
            return $"the certificate is for {role.Name()} {name}, not agent {node}";
        }

        return ChainsTo(certificate, ca) ? null : "the certificate does not chain to the controller's CA";
    }

    private static AgentIdentity? Load(string certificatePath, string? keyPath, string caPath, string? node, string? stateDir, out string problem)
    {
        try
        {
            if (PrivateFiles.TooOpen(keyPath ?? certificatePath) is { } open)
            {
                problem = open;
                return null;
            }

            var certificate = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
            var ca = X509Certificate2.CreateFromPem(File.ReadAllText(caPath));
            if (!CertificateIdentity.TryRead(certificate, out var name, out var role, out problem))
            {
                problem = $"{certificatePath}: {problem}";
                return null;
            }

            problem = role != Role.Agent ? $"{certificatePath}: the certificate is for a {role.Name()}, not an agent"
                : node is not null && node != name ? $"--node {node} does not match the certificate, which is for node {name} ({certificatePath})"
                : !ChainsTo(certificate, ca) ? $"{certificatePath}: the certificate does not chain to the CA in {caPath}"
                : "";
            return problem.Length == 0 ? new AgentIdentity(name, certificate, ca, stateDir) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            problem = $"cannot read the agent's identity ({keyPath ?? certificatePath}): {e.Message}";
            return null;
        }
    }

    private static bool ChainsTo(X509Certificate2 certificate, X509Certificate2 ca)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        // Expiry is the controller's to judge (an expired agent still runs its instances, and says why it cannot connect).
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid;
        return chain.Build(certificate);
    }
}
