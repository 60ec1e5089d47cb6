using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace HaCluster.Shared.Tls;

/// <summary>
/// The fingerprint of a controller's CA that a join token carries, as kubeadm's <c>--discovery-token-ca-cert-hash</c>:
/// SHA-256 of the CA's SubjectPublicKeyInfo, lowercase hex. An agent compares it with the CA the controller shows before
/// it sends the token, so a machine that answers in the controller's place learns nothing and enrolls no one.
/// </summary>
public static class CaPin
{
    public static string Of(X509Certificate2 ca)
    {
        ArgumentNullException.ThrowIfNull(ca);
        return Convert.ToHexStringLower(SHA256.HashData(ca.PublicKey.ExportSubjectPublicKeyInfo()));
    }

    public static bool Matches(X509Certificate2 ca, string pin) =>
        CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(Of(ca)), System.Text.Encoding.ASCII.GetBytes(pin));
}
