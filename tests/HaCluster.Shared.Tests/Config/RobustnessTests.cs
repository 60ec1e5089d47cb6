using System.Text;
using HaCluster.Shared.Config;

namespace HaCluster.Shared.Tests.Config;

public class RobustnessTests
{
    private static readonly string Reference = File.ReadAllText(Conf.AssetPath("s2-keepalived.conf"));
    private static readonly string Tracking = File.ReadAllText(Conf.AssetPath("tracking-keepalived.conf"));

    private static readonly string[] Vocabulary =
    [
        "global_defs", "vrrp_instance", "VI_1", "{", "}", "\n", " ", "\t", "#", "!", "\"", "\\",
        "interface", "eth0", "virtual_router_id", "priority", "advert_int", "version", "state", "MASTER",
        "authentication", "auth_type", "auth_pass", "PASS", "AH", "unicast_src_ip", "unicast_peer",
        "virtual_ipaddress", "dev", "label", "scope", "brd", "min_ttl", "max_ttl", "vrrp_strict",
        "notification_email", "smtp_server", "vrrp_garp_interval", "0", "1", "3", "255", "256", "-1",
        "0.01", "40.96", "99999999999999999999999999999999", "10.0.0.1", "10.0.0.1/24", "::1", "fe80::1/64",
        "1.2.3", "/", "nan", "1e3", "\u0000", "\uFEFF", "\r\n",
        "vrrp_script", "script", "interval", "timeout", "weight", "reverse", "rise", "fall", "user", "init_fail",
        "vrrp_track_file", "file", "init_file", "overwrite", "vrrp_sync_group", "group", "notify_master", "notify",
        "track_script", "track_interface", "track_file", "script_user", "enable_script_security", "chk", "VI_2", "-254",
    ];

    [Fact]
    public void Parse_EveryTruncationOfReference_NeverThrows()
    {
        for (var length = 0; length <= Reference.Length; length++)
        {
            var result = Conf.Parse(Reference[..length]);

            Assert.NotNull(result.Config);
            Assert.All(result.Diagnostics, d => Assert.True(d.Location.Line >= 1, $"truncated at {length}: {d}"));
        }
    }

    [Fact]
    public void Parse_EveryTruncationOfTrackingConfig_NeverThrowsAndRenders()
    {
        for (var length = 0; length <= Tracking.Length; length++)
        {
            var result = Conf.Parse(Tracking[..length]);

            Assert.NotNull(KeepalivedConfigRenderer.Render(result.Config));
            Assert.All(result.Diagnostics, d => Assert.True(d.Location.Line >= 1, $"truncated at {length}: {d}"));
        }
    }

    [Fact]
    public void Parse_TruncatedInsideNestedBlock_ReportsEachUnclosedBrace()
    {
        var truncated = Reference[..Reference.IndexOf("auth_pass", StringComparison.Ordinal)];

        var result = Conf.Parse(truncated);

        Conf.HasError(result, 16, "vrrp_instance");
        Conf.HasError(result, 22, "authentication");
    }

    [Fact]
    public void Parse_RandomBytes_NeverThrows()
    {
        var random = new Random(20240601);
        for (var i = 0; i < 500; i++)
        {
            var bytes = new byte[random.Next(0, 400)];
            random.NextBytes(bytes);

            Assert.NotNull(Conf.Parse(Encoding.UTF8.GetString(bytes)).Config);
            Assert.NotNull(Conf.Parse(Encoding.Latin1.GetString(bytes)).Config);
        }
    }

    [Fact]
    public void Parse_RandomKeywordSoup_NeverThrows()
    {
        var random = new Random(7);
        for (var i = 0; i < 2000; i++)
        {
            var text = new StringBuilder();
            for (var n = random.Next(0, 80); n > 0; n--)
            {
                text.Append(Vocabulary[random.Next(Vocabulary.Length)]).Append(random.Next(3) == 0 ? "\n" : " ");
            }

            Assert.NotNull(KeepalivedConfigRenderer.Render(Conf.Parse(text.ToString()).Config));
        }
    }

    /// <summary>
    /// 100,000 unclosed blocks (issue 18: they printed 14 MB of diagnostics): refused at the block that nests too deep,
    /// the rest not read, and the outermost unclosed block still blamed.
    /// </summary>
    [Fact]
    public void Parse_DeeplyNestedBraces_RefusedAtTheLimitWithoutStackOverflow()
    {
        var text = string.Concat(Enumerable.Repeat("a {\n", 100_000));

        var result = Conf.Parse(text);

        Conf.HasError(result, ConfigLimits.MaxNesting + 1, $"blocks nested deeper than {ConfigLimits.MaxNesting} levels");
        Conf.HasError(result, 1, "unclosed '{'");
        Assert.InRange(result.Diagnostics.Length, 2, ConfigLimits.MaxDiagnostics + 1);
    }

    [Fact]
    public void Parse_EveryByteFlipOfReference_NeverThrows()
    {
        var bytes = Encoding.UTF8.GetBytes(Reference);
        for (var i = 0; i < bytes.Length; i += 3)
        {
            var copy = (byte[])bytes.Clone();
            copy[i] ^= 0x5A;

            Assert.NotNull(Conf.Parse(Encoding.UTF8.GetString(copy)).Config);
        }
    }
}
