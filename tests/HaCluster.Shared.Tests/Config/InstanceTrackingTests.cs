using HaCluster.Shared.Config;

namespace HaCluster.Shared.Tests.Config;

/// <summary>
/// track_* blocks and notify lines of vrrp_instance, and vrrp_sync_group blocks. Instance bodies start at line 4;
/// <see cref="Scripts"/> adds no lines before the instance.
/// </summary>
public class InstanceTrackingTests
{
    private const string Scripts = "vrrp_script a {\n script /bin/a\n}\nvrrp_script b {\n script /bin/b\n}\n";

    private static ConfigLoadResult ParseBody(string body) => Conf.Parse(Conf.Instance(body: body) + Scripts);

    private static VrrpInstanceConfig SingleInstance(string body)
    {
        var result = ParseBody(body);
        Conf.NoErrors(result);
        return Assert.Single(result.Config.Instances);
    }

    [Fact]
    public void Parse_TrackScriptBlock_MapsNamesWeightsAndLines()
    {
        var vi = SingleInstance("track_script {\n  a\n  b weight -10 reverse\n}");

        Assert.Equal(
            [
                new TrackReference(TrackKind.Script, "a") { Location = new(Conf.File, 5) },
                new TrackReference(TrackKind.Script, "b") { Location = new(Conf.File, 6), Weight = -10, Reverse = true },
            ],
            vi.Tracks.ToArray());
    }

    [Fact]
    public void Parse_TrackInterfaceBlock_MapsNamesAndWeights()
    {
        var vi = SingleInstance("track_interface {\n  eth1\n  bond0.100 weight 20\n}");

        Assert.Equal(
            [
                new TrackReference(TrackKind.Interface, "eth1") { Location = new(Conf.File, 5) },
                new TrackReference(TrackKind.Interface, "bond0.100") { Location = new(Conf.File, 6), Weight = 20 },
            ],
            vi.Tracks.ToArray());
    }

    [Fact]
    public void Parse_TrackFileBlock_MapsNamesAndWeights()
    {
        var result = Conf.Parse(Conf.Instance(body: "track_file {\n  tf weight 0\n}") + "vrrp_track_file tf {\n file /run/tf\n}\n");

        Conf.NoErrors(result);
        var track = Assert.Single(Assert.Single(result.Config.Instances).Tracks);
        Assert.Equal(new TrackReference(TrackKind.File, "tf") { Location = new(Conf.File, 5), Weight = 0 }, track);
    }

    [Fact]
    public void Parse_SeveralTrackBlocks_KeepFileOrder()
    {
        var vi = SingleInstance("track_script { a }\ntrack_interface { eth1 }\ntrack_script { b }");

        Assert.Equal(
            [(TrackKind.Script, "a", 4), (TrackKind.Interface, "eth1", 5), (TrackKind.Script, "b", 6)],
            vi.Tracks.Select(t => (t.Kind, t.Name, t.Location.Line)));
    }

    [Fact]
    public void Parse_TrackLineUnknownOption_WarnsAndKeepsName()
    {
        var result = ParseBody("track_script {\n  a priority 5\n}");

        Conf.NoErrors(result);
        Conf.HasWarning(result, 5, "track_script: unknown option 'priority' ignored");
        Assert.Null(Assert.Single(Assert.Single(result.Config.Instances).Tracks).Weight);
    }

    [Theory]
    [InlineData("a weight", "track_script: 'weight' requires a value")]
    [InlineData("a weight heavy", "weight: 'heavy' is not an integer")]
    public void Parse_TrackLineBadWeight_ReportsFileLineAndLeavesLineOut(string line, string message)
    {
        var result = ParseBody($"track_script {{\n  {line}\n}}");

        Conf.HasError(result, 5, message);
        Assert.Empty(Assert.Single(result.Config.Instances).Tracks);
    }

    [Fact]
    public void Parse_TrackBlockWithoutBraces_ReportsFileLine()
    {
        var result = ParseBody("track_script a");

        Conf.HasError(result, 4, "'track_script' requires a { } block");
    }

    [Fact]
    public void Parse_NotifyLines_AreMappedQuotedOrNot_AWordAfterTheScriptIsItsUser_AsInKeepalived()
    {
        var vi = SingleInstance("""
            notify_master "/etc/ha/notify.sh master now"
            notify_backup /etc/ha/notify.sh  backup
            notify_fault /etc/ha/fault.sh
            notify_stop "/etc/ha/stop.sh"
            notify /etc/ha/any.sh
            """);

        Assert.Equal(
            new NotifyConfig
            {
                Master = "/etc/ha/notify.sh master now",
                Backup = new NotifyScript("/etc/ha/notify.sh", "backup"), // notify_backup SCRIPT [USER [GROUP]]
                Fault = "/etc/ha/fault.sh",
                Stop = "/etc/ha/stop.sh",
                Any = "/etc/ha/any.sh",
            },
            vi.Notify);
    }

    [Fact]
    public void Parse_NotifyUserAndGroup_OrScriptUserByDefault_AndRenderedBack()
    {
        var result = Conf.Parse("global_defs {\n    script_user nobody\n}\n" + Conf.Instance(body: "    notify_master \"/bin/m arg\" www-data www\n    notify_fault /bin/f"));

        Conf.NoErrors(result);
        var notify = Assert.Single(result.Config.Instances).Notify;
        Assert.Equal(new NotifyScript("/bin/m arg", "www-data", "www"), notify.Master);
        Assert.Equal(new NotifyScript("/bin/f", "nobody"), notify.Fault);
        Assert.Contains("notify_master \"/bin/m arg\" www-data www\n", KeepalivedConfigRenderer.RenderInstance(result.Config.Instances[0]), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NoNotifyLines_LeavesNotifyEmpty()
    {
        Assert.True(SingleInstance("").Notify.IsEmpty);
    }

    [Fact]
    public void Parse_NotifyWithoutValue_ReportsFileLine()
    {
        var result = ParseBody("notify_master");

        Assert.Equal("test.conf:4: 'notify_master' requires a value", Assert.Single(result.Errors).ToString());
    }

    [Fact]
    public void Parse_SyncGroup_MapsInstancesLinesAndNotify()
    {
        var result = Conf.Parse("""
            vrrp_sync_group G1 {
                group { VI_1 VI_2
                    VI_3 }
                notify_master "/etc/ha/group.sh master"
                notify_backup /etc/ha/group.sh backup
                notify_fault /bin/f
                notify_stop /bin/s
                notify /bin/any
            }
            """ + "\n" + Conf.Instance("VI_1", 1) + Conf.Instance("VI_2", 2) + Conf.Instance("VI_3", 3));

        Conf.NoErrors(result);
        var group = Assert.Single(result.Config.SyncGroups);
        Assert.Equal("G1", group.Name);
        Assert.Equal(["VI_1", "VI_2", "VI_3"], group.Instances.ToArray());
        Assert.Equal([2, 2, 3], group.InstanceLocations.Select(l => l.Line));
        Assert.Equal(new SourceLocation(Conf.File, 1), group.Location);
        Assert.Equal(
            new NotifyConfig { Master = "/etc/ha/group.sh master", Backup = new NotifyScript("/etc/ha/group.sh", "backup"), Fault = "/bin/f", Stop = "/bin/s", Any = "/bin/any" },
            group.Notify);
    }

    [Fact]
    public void Parse_SyncGroupUnknownKeyword_WarnsWithLine()
    {
        var result = Conf.Parse("vrrp_sync_group G {\n group { VI_1 VI_2 }\n smtp_alert\n}\n" + Conf.Instance("VI_1", 1) + Conf.Instance("VI_2", 2));

        Conf.NoErrors(result);
        Conf.HasWarning(result, 3, "unknown keyword 'smtp_alert'");
    }

    [Fact]
    public void Parse_DuplicateSyncGroupName_ReportsSecondNamingFirst()
    {
        var result = Conf.Parse("vrrp_sync_group G {\n group { VI_1 VI_2 }\n}\nvrrp_sync_group G {\n group { VI_3 VI_4 }\n}\n"
            + Conf.Instance("VI_1", 1) + Conf.Instance("VI_2", 2));

        Assert.Equal("test.conf:4: duplicate vrrp_sync_group 'G' (first defined at test.conf:1)", Assert.Single(result.Errors).ToString());
        Assert.Single(result.Config.SyncGroups);
    }

    [Fact]
    public void Parse_EffectiveWeight_LineOverridesTrackedObject()
    {
        var result = Conf.Parse(Conf.Instance(body: "track_script {\n a\n b weight 3\n}\ntrack_interface { eth1 }")
            + "vrrp_script a {\n script /bin/a\n weight -7 reverse\n}\nvrrp_script b {\n script /bin/b\n weight -7 reverse\n}\n");

        var config = result.Config;
        Assert.Equal(
            [(-7, true), (3, false), (0, false)],
            Assert.Single(config.Instances).Tracks.Select(config.EffectiveWeight));
    }
}
