using System.Collections.Immutable;
using System.Net;

namespace HaCluster.Shared.Config;

/// <summary>
/// What an agent accepts from a controller: exactly the keywords the controller's renderer writes
/// (<see cref="KeepalivedConfigRenderer.RenderInstance"/> for a group's member, under an empty <c>global_defs</c>) — the
/// VRRP settings of a <c>vrrp_instance</c>, its addresses, peers and authentication. Scripts, notify commands, tracking,
/// includes and every other keyword are refused, and the whole push with them: a controller (or whoever answers in its
/// place) can move addresses, but never run a command on a host. Scripts live in the host's own keepalived.conf.
/// </summary>
public static class PushedConfigPolicy
{
    private static readonly ImmutableHashSet<string> InstanceSettings = ImmutableHashSet.Create(
        StringComparer.Ordinal,
        "state", "interface", "virtual_router_id", "priority", "advert_int", "version", "nopreempt", "preempt_delay",
        "unicast_src_ip", "unicast_ttl", "skip_check_adv_addr", "hacluster_primary", "hacluster_linger", "hacluster_maintenance",
        "garp_master_delay", "garp_master_repeat", "garp_master_refresh", "garp_master_refresh_repeat", "garp_interval", "gna_interval");

    private static readonly ImmutableHashSet<string> AuthenticationSettings = ImmutableHashSet.Create(StringComparer.Ordinal, "auth_type", "auth_pass");

    private static readonly ImmutableHashSet<string> HmacSettings = ImmutableHashSet.Create(StringComparer.Ordinal, "key", "active_key", "anti_replay", "time_window", "mode");

    /// <summary>Every keyword of <paramref name="text"/> a controller may not send, with its file:line; empty when it is all allowed.</summary>
    public static ImmutableArray<ConfigDiagnostic> Check(string text, string fileName)
    {
        // Syntax errors are the loader's to report; this only looks at what the statements ask for.
        var refused = new DiagnosticBag();
        foreach (var line in ConfigLexer.TokenizeLines(text, fileName, new DiagnosticBag()))
        {
            if (Array.Find(line, t => t.Kind == TokenKind.Word) is { } first && first.IsWord("include"))
            {
                Refuse(refused, first.Location, "include");
            }
        }

        var tokens = ConfigSourceReader.ReadText(text, fileName, new DiagnosticBag(), allowIncludes: false);

        foreach (var statement in ConfigTreeBuilder.Build(tokens, new DiagnosticBag()))
        {
            switch (statement.Keyword)
            {
                case "global_defs":
                    foreach (var child in statement.Children)
                    {
                        Refuse(refused, child.Location, "global_defs: " + child.Keyword);
                    }

                    break;
                case "vrrp_instance":
                    CheckInstance(statement, refused);
                    break;
                default:
                    Refuse(refused, statement.Location, statement.Keyword);
                    break;
            }
        }

        return refused.ToImmutable();
    }

    private static void CheckInstance(ConfigStatement instance, DiagnosticBag refused)
    {
        foreach (var child in instance.Children)
        {
            var allowed = child.Keyword switch
            {
                "authentication" => child.HasBlock && child.Children.All(c => AuthenticationSettings.Contains(c.Keyword) && !c.HasBlock),
                // Keys arrive as their value (hex:), never as a file: a push does not make the agent read a path.
                "auth_hmac" => child.HasBlock && child.Children.All(c => HmacSettings.Contains(c.Keyword) && !c.HasBlock
                    && !(c.Keyword == "key" && c.Args.Length > 1 && c.Args[1].StartsWith("file:", StringComparison.Ordinal))),
                "virtual_ipaddress" or "unicast_peer" => child.HasBlock && child.Children.All(IsAddressLine),
                _ => !child.HasBlock && InstanceSettings.Contains(child.Keyword),
            };
            if (!allowed)
            {
                Refuse(refused, child.Location, child.Keyword);
            }
        }
    }

    private static bool IsAddressLine(ConfigStatement line) =>
        !line.HasBlock && IPAddress.TryParse(line.Keyword.Split('/')[0], out _);

    private static void Refuse(DiagnosticBag refused, SourceLocation at, string keyword) =>
        refused.Error(at, $"'{keyword}' is not accepted from a controller: a pushed config holds VRRP instances, their addresses, "
            + "peers and authentication only (scripts, notify and tracking belong in this host's own keepalived.conf); the push is refused whole");
}
