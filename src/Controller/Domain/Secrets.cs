using System.Text.RegularExpressions;

namespace HaCluster.Controller.Domain;

/// <summary>
/// What readers never see: a rendered config's <c>auth_pass</c> value (people and tools get the text with it replaced;
/// only the member's agent receives the real one, over its mTLS link), and how an update treats a password it leaves out.
/// </summary>
public static partial class Secrets
{
    public const string Redacted = "(redacted)";

    public static string RedactConfig(string text) => HmacKeyLine().Replace(AuthPassLine().Replace(text, "${head}" + Redacted), "${head}" + Redacted);

    /// <summary>
    /// An update that leaves the password out (null) keeps the stored one (VRRPv2); an empty one removes it.
    /// </summary>
    public static VipGroup WithStoredPassword(VipGroup sent, VipGroup? stored) => sent.AuthPass switch
    {
        null when stored is not null && sent.Version == 2 && !sent.UsesHmac => sent with { AuthPass = stored.AuthPass },
        "" => sent with { AuthPass = null },
        _ => sent,
    };

    /// <summary>
    /// The keys are the controller's: whatever a request says of them is ignored. A group that keeps <c>"auth": "hmac"</c>
    /// keeps its keyring; one that asks for it gets a first key (enforced at once when new, from receive-only when it
    /// was running with another auth); one that gives it up drops it.
    /// </summary>
    public static VipGroup WithStoredKeys(VipGroup sent, VipGroup? stored, DateTimeOffset now) =>
        !sent.UsesHmac ? sent with { Keyring = null }
        : stored is { UsesHmac: true, Keyring: { } keyring } ? sent with { Keyring = keyring }
        : sent with { Keyring = GroupKeyring.Create(now, migrating: stored is not null) };

    [GeneratedRegex(@"(?<head>^[ \t]*auth_pass[ \t]+)\S+", RegexOptions.Multiline)]
    private static partial Regex AuthPassLine();

    /// <summary>A key line of an auth_hmac block (the only <c>key</c> keyword a rendered config has).</summary>
    [GeneratedRegex(@"(?<head>^[ \t]*key[ \t]+\d+[ \t]+)\S+", RegexOptions.Multiline)]
    private static partial Regex HmacKeyLine();
}
