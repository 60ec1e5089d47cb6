using System.Buffers.Text;
using System.Security.Cryptography;

namespace HaCluster.Shared.Tls;

/// <summary>
/// A one-time join token, <c>hc1.ID.SECRET.CAHASH</c>: the id names the stored (hashed) token, the secret proves it, the CA
/// hash pins the controller (<see cref="CaPin"/>). Printed once by <c>hacluster-controller token create</c> and given to
/// <c>hacluster-agent enroll --token</c>.
/// </summary>
public sealed record JoinToken(string Id, string Secret, string CaHash)
{
    private const string Version = "hc1";

    public static JoinToken New(string caHash) =>
        new(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32)), caHash);

    /// <summary>What the controller keeps of the secret: its SHA-256 (the secret is 256 random bits; no salt or stretching adds anything).</summary>
    public static string HashSecret(string secret) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(secret)));

    public static bool TryParse(string? text, out JoinToken token)
    {
        token = null!;
        var parts = (text ?? "").Trim().Split('.');
        if (parts is not [Version, var id, var secret, var caHash]
            || id.Length != 16 || !id.All(char.IsAsciiHexDigitLower)
            || secret.Length != 43 || !secret.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            || caHash.Length != 64 || !caHash.All(char.IsAsciiHexDigitLower))
        {
            return false;
        }

        token = new JoinToken(id, secret, caHash);
        return true;
    }

    public override string ToString() => $"{Version}.{Id}.{Secret}.{CaHash}";
}
