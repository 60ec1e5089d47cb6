using HaCluster.Shared.Config;

namespace HaCluster.Shared.Tests.Config;

/// <summary>keepalived 2.4's <c>auth_hmac</c> block, and the config checks keepalived misses (each at its file:line).</summary>
public sealed class HmacConfigTests
{
    private const string Key32 = "hex:000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    [Fact]
    public void AuthHmac_AllSettings_Parsed_KeysAsBytes_RenderedBackAsHex()
    {
        var instance = Conf.SingleInstance($$"""
                auth_hmac {
                    key 1 {{Key32}}
                    key 7 a-text-key-of-thirty-two-bytes..
                    active_key 7
                    anti_replay monotonic
                    time_window 10
                    mode permissive
                }
            """);

        var hmac = Assert.IsType<HmacAuthConfig>(instance.Hmac);
        Assert.Equal([1, 7], hmac.Keys.Select(k => (int)k.Id));
        Assert.Equal(Convert.FromHexString(Key32[4..]), hmac.Key(1)!.Value.AsSpan().ToArray());
        Assert.Equal("a-text-key-of-thirty-two-bytes.."u8.ToArray(), hmac.Key(7)!.Value.AsSpan().ToArray());
        Assert.Equal(((byte)7, AntiReplay.Monotonic, (TimeSpan?)TimeSpan.FromSeconds(10), HmacMode.Permissive), (hmac.ActiveKey, hmac.AntiReplay, hmac.TimeWindow, hmac.Mode));
        Assert.DoesNotContain("0001020304", hmac.ToString(), StringComparison.Ordinal);

        var rendered = KeepalivedConfigRenderer.RenderInstance(instance);
        var again = Conf.SingleInstance(rendered[(rendered.IndexOf('\n') + 1)..rendered.LastIndexOf('}')]);
        Assert.Equal(hmac with { Location = default, Keys = [.. hmac.Keys.Select(k => k with { Location = default })] },
            again.Hmac! with { Location = default, Keys = [.. again.Hmac!.Keys.Select(k => k with { Location = default })] });
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(0.1, 5)]
    [InlineData(3, 9)]
    [InlineData(200, 300)]
    public void TimeWindow_DefaultsToThreeAdvertsInWholeSeconds_AtLeastFiveAtMost300(double advertSeconds, int windowSeconds) =>
        Assert.Equal(TimeSpan.FromSeconds(windowSeconds), new HmacAuthConfig().Window(TimeSpan.FromSeconds(advertSeconds)));

    [Fact]
    public void KeyFromFile_Read_TrailingNewlineDropped_OpenFileWarned()
    {
        var dir = Directory.CreateTempSubdirectory("hc-hmac-").FullName;
        var keyFile = Path.Combine(dir, "vrrp.key");
        File.WriteAllText(keyFile, Key32 + "\n");
        File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        var main = Path.Combine(dir, "keepalived.conf");
        File.WriteAllText(main, Conf.Instance(body: "auth_hmac {\n key 1 file:vrrp.key\n active_key 1\n}"));

        var result = KeepalivedConfigLoader.Load(main);

        Conf.NoErrors(result);
        Conf.HasWarning(result, 5, "can be read or changed by its group or others");
        Assert.Equal(Convert.FromHexString(Key32[4..]), result.Config.Instances[0].Hmac!.Key(1)!.Value.AsSpan().ToArray());
        Directory.Delete(dir, recursive: true);
    }

    [Theory]
    [InlineData("key 1 short\n active_key 1", 5, "key 1 has 5 bytes; a key has 32 to 64")]
    [InlineData("key 0 " + Key32 + "\n active_key 1", 5, "key id '0' is not 1 to 255")]
    [InlineData("key 1 hex:abc\n active_key 1", 5, "even number of hex digits")]
    [InlineData("key 1 " + Key32 + "\n key 1 " + Key32 + "\n active_key 1", 6, "key 1 is defined twice")]
    [InlineData("key 1 " + Key32 + "\n mode strict", 6, "mode: 'strict' is not enforce, permissive or receive-only")]
    [InlineData("key 1 " + Key32 + "\n anti_replay never\n active_key 1", 6, "anti_replay: 'never' is not time or monotonic")]
    [InlineData("key 1 file:/nonexistent/vrrp.key\n active_key 1", 5, "key file '/nonexistent/vrrp.key' does not exist")]
    public void BadAuthHmacLines_EachAnErrorAtItsLine_TheKeyNeverQuoted(string body, int line, string fragment)
    {
        var result = Conf.Parse(Conf.Instance(body: $"auth_hmac {{\n {body}\n}}"));

        Conf.HasError(result, line, fragment);
        Assert.All(result.Diagnostics, d => Assert.DoesNotContain("0001020304", d.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void AuthHmac_WithoutAValidActiveKey_IsAnError()
    {
        var missing = Conf.Parse(Conf.Instance(body: $"auth_hmac {{\n key 1 {Key32}\n}}"));
        var wrong = Conf.Parse(Conf.Instance(body: $"auth_hmac {{\n key 1 {Key32}\n active_key 2\n}}"));

        Conf.HasError(missing, 4, "auth_hmac: active_key is required");
        Conf.HasError(wrong, 6, "auth_hmac: active_key 2 names no configured key (1)");
    }

    [Fact]
    public void AuthHmac_TogetherWithAuthentication_IsAnError()
    {
        var result = Conf.Parse(Conf.Instance(body: $"authentication {{\n auth_type PASS\n auth_pass secret\n}}\nauth_hmac {{\n key 1 {Key32}\n active_key 1\n}}"));

        Conf.HasError(result, 4, "authentication and auth_hmac (line 8) are exclusive");
    }

    [Fact]
    public void EmptyUnicastPeerBlock_IsAnError_NotASilentFallBackToMulticast()
    {
        var result = Conf.Parse(Conf.Instance(body: "unicast_src_ip 192.0.2.10\nunicast_peer {\n}"));

        Conf.HasError(result, 5, "unicast_peer { } names no peer (keepalived would fall back to multicast)");
    }

    [Fact]
    public void NopreemptWithStateMaster_Warned_AndPreemptsAsKeepalivedDoes()
    {
        var result = Conf.Parse(Conf.Instance(body: "state MASTER\nnopreempt"));

        Conf.HasWarning(result, 5, "nopreempt is ignored with state MASTER");
        Assert.True(result.Config.Instances[0].Preempt);
        Conf.NoWarnings(Conf.Parse(Conf.Instance(body: "state BACKUP\nnopreempt")));
    }

    [Fact]
    public void AllFourChecks_ReportedTogether_EachAtItsLine()
    {
        var result = Conf.Parse(
            Conf.Instance("A", 1, "unicast_peer {\n}") +
            Conf.Instance("B", 2, "state MASTER\nnopreempt") +
            Conf.Instance("C", 3, $"authentication {{\n auth_type PASS\n auth_pass x\n}}\nauth_hmac {{\n key 1 {Key32}\n active_key 1\n}}") +
            Conf.Instance("D", 4, $"auth_hmac {{\n key 1 {Key32}\n active_key 9\n}}") +
            "include /nonexistent/hacluster-*.conf\n");

        Conf.HasError(result, 4, "unicast_peer { } names no peer");
        Conf.HasWarning(result, 11, "nopreempt is ignored with state MASTER");
        Conf.HasError(result, 16, "are exclusive");
        Conf.HasError(result, 30, "active_key 9 names no configured key");
        Conf.HasError(result, 33, "include '/nonexistent/hacluster-*.conf' matched no files");
    }

    [Fact]
    public void PushedConfig_MayCarryAuthHmacWithHexKeys_NeverAKeyFile()
    {
        var pushed = $"vrrp_instance HC_web {{\n    interface eth0\n    virtual_router_id 27\n    auth_hmac {{\n        key 1 {Key32}\n        active_key 1\n        mode receive-only\n    }}\n}}\n";
        var file = pushed.Replace(Key32, "file:/etc/shadow", StringComparison.Ordinal);

        Assert.Empty(PushedConfigPolicy.Check(pushed, "pushed.conf"));
        Assert.Equal(4, Assert.Single(PushedConfigPolicy.Check(file, "pushed.conf")).Location.Line);
    }
}
