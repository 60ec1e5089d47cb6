using HaCluster.Shared.Config;

namespace HaCluster.Shared.Tests.Config;

public class RendererTests
{
    private static readonly string Tracking = File.ReadAllText(Conf.AssetPath("tracking-keepalived.conf"));

    private static KeepalivedConfig ParseClean(string text)
    {
        var result = Conf.Parse(text);
        Conf.NoErrors(result);
        Conf.NoWarnings(result);
        return result.Config;
    }

    private static KeepalivedConfig WithScript(VrrpScriptConfig script) => new(new GlobalDefs(), []) { Scripts = [script] };

    [Fact]
    public void Parse_TrackingReference_HasNoDiagnostics()
    {
        var config = ParseClean(Tracking);

        Assert.Equal(2, config.Scripts.Length);
        Assert.Equal(2, config.TrackFiles.Length);
        Assert.Single(config.SyncGroups);
        Assert.Equal(5, config.Instances[0].Tracks.Length);
    }

    [Fact]
    public void Render_TrackingConfig_RendersParsedTextUnchanged()
    {
        var once = KeepalivedConfigRenderer.Render(ParseClean(Tracking));

        Assert.Equal(once, KeepalivedConfigRenderer.Render(ParseClean(once)));
    }

    [Fact]
    public void Render_TrackingConfig_ParsesBackToEqualModel()
    {
        var original = ParseClean(Tracking);

        var reparsed = ParseClean(KeepalivedConfigRenderer.Render(original));

        Assert.Equal(
            (original.Global.ScriptUser, original.Global.ScriptGroup, original.Global.EnableScriptSecurity),
            (reparsed.Global.ScriptUser, reparsed.Global.ScriptGroup, reparsed.Global.EnableScriptSecurity));
        Assert.Equal(original.Scripts.Select(s => s with { Location = default }), reparsed.Scripts.Select(s => s with { Location = default }));
        Assert.Equal(original.TrackFiles.Select(f => f with { Location = default }), reparsed.TrackFiles.Select(f => f with { Location = default }));
        // The model compares by value, lists included: the whole of each instance and group, without where it was written.
        Assert.Equal(original.SyncGroups.Select(g => g.WithoutLocations()), reparsed.SyncGroups.Select(g => g.WithoutLocations()));
        Assert.Equal(original.Instances.Select(i => i.WithoutLocations()), reparsed.Instances.Select(i => i.WithoutLocations()));
    }

    [Theory]
    [InlineData("/bin/true", "script /bin/true\n")]
    [InlineData("/bin/check --port 80", "script \"/bin/check --port 80\"\n")]
    [InlineData("/bin/echo \"a\\b\"#!", "script \"/bin/echo \\\"a\\\\b\\\"#!\"\n")]
    public void Render_ScriptString_IsQuotedOnlyWhenNeededAndReadsBack(string command, string line)
    {
        var text = KeepalivedConfigRenderer.Render(WithScript(new VrrpScriptConfig("chk", command)));

        Assert.Contains("    " + line, text, StringComparison.Ordinal);
        Assert.Equal(command, Assert.Single(Conf.Parse(text).Config.Scripts).Script);
    }

    [Fact]
    public void Render_NotifyWithSpaces_IsDoubleQuoted()
    {
        var instance = new VrrpInstanceConfig("VI_1", "eth0", 1) { Notify = new NotifyConfig { Master = "/etc/ha/n.sh master" } };

        Assert.Contains("    notify_master \"/etc/ha/n.sh master\"\n", KeepalivedConfigRenderer.RenderInstance(instance), StringComparison.Ordinal);
    }

    [Fact]
    public void Render_TopLevelOrder_DefinitionsBeforeInstancesSyncGroupsAfter()
    {
        var text = KeepalivedConfigRenderer.Render(ParseClean(Tracking));

        int At(string s) => text.IndexOf(s, StringComparison.Ordinal);
        Assert.True(At("global_defs") < At("vrrp_script chk_http"));
        Assert.True(At("vrrp_script chk_dns") < At("vrrp_track_file maint"));
        Assert.True(At("vrrp_track_file plain") < At("vrrp_instance VI_1"));
        Assert.True(At("vrrp_instance VI_2") < At("vrrp_sync_group G1"));
    }

    [Fact]
    public void Render_InstanceWithoutTracking_HasNoTrackOrNotifyLines()
    {
        var text = KeepalivedConfigRenderer.RenderInstance(new VrrpInstanceConfig("VI_1", "eth0", 1));

        Assert.DoesNotContain("track_", text, StringComparison.Ordinal);
        Assert.DoesNotContain("notify", text, StringComparison.Ordinal);
        Assert.EndsWith("    virtual_ipaddress {\n    }\n}\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_SubCentisecondTimers_KeepTheirPrecision()
    {
        var script = new VrrpScriptConfig("chk", "/bin/true") { Interval = TimeSpan.FromMilliseconds(1), Timeout = TimeSpan.FromTicks(5) };

        var reparsed = Assert.Single(Conf.Parse(KeepalivedConfigRenderer.Render(WithScript(script))).Config.Scripts);

        Assert.Equal((script.Interval, script.Timeout), (reparsed.Interval, reparsed.Timeout));
    }
}
