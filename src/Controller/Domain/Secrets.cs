using System.Text.RegularExpressions;

namespace HaCluster.Controller.Domain;

/// <summary>
/// What readers never see: a rendered config's <c>auth_pass</c> value (people and tools get the text with it replaced;
/// only the member's agent receives the real one, over its mTLS link), and how an update treats a password it leaves out.
/// </summary>
public static partial class Secrets
{
    public const string Redacted = "(redacted)";

    public static string RedactConfig(string text) => AuthPassLine().Replace(text, "${head}" + Redacted);

    /// <summary>
    /// An update that leaves the password out (null) keeps the stored one (VRRPv2); an empty one removes it.
    /// </summary>
    public static VipGroup WithStoredPassword(VipGroup sent, VipGroup? stored) => sent.AuthPass switch
    {
        null when stored is not null && sent.Version == 2 => sent with { AuthPass = stored.AuthPass },
        "" => sent with { AuthPass = null },
        _ => sent,
    };

    [GeneratedRegex(@"(?<head>^[ \t]*auth_pass[ \t]+)\S+", RegexOptions.Multiline)]
    private static partial Regex AuthPassLine();
}
