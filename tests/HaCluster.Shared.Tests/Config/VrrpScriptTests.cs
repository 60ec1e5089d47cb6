using HaCluster.Shared.Config;

namespace HaCluster.Shared.Tests.Config;

/// <summary>Top-level vrrp_script and vrrp_track_file blocks, and the global_defs settings for scripts.</summary>
public class VrrpScriptTests
{
    private static ConfigLoadResult ParseScript(string body) => Conf.Parse($"vrrp_script chk {{\n{body}\n}}\n");

    private static VrrpScriptConfig SingleScript(string body)
    {
        var result = ParseScript(body);
        Conf.NoErrors(result);
        return Assert.Single(result.Config.Scripts);
    }

    private static ConfigLoadResult ParseTrackFile(string body) => Conf.Parse($"vrrp_track_file tf {{\n{body}\n}}\n");

    [Fact]
    public void Parse_VrrpScriptAllKeywords_AreMapped()
    {
        var script = SingleScript("""
            script "/usr/local/bin/check --port 80"
            interval 2.5
            timeout 0.75
            weight -20 reverse
            rise 3
            fall 4
            user nobody nogroup
            init_fail
            """);

        Assert.Equal("chk", script.Name);
        Assert.Equal("/usr/local/bin/check --port 80", script.Script);
        Assert.Equal(TimeSpan.FromSeconds(2.5), script.Interval);
        Assert.Equal(TimeSpan.FromSeconds(0.75), script.Timeout);
        Assert.Equal(-20, script.Weight);
        Assert.True(script.WeightReverse);
        Assert.Equal(3, script.Rise);
        Assert.Equal(4, script.Fall);
        Assert.Equal("nobody", script.User);
        Assert.Equal("nogroup", script.Group);
        Assert.True(script.InitFail);
        Assert.Equal(new SourceLocation(Conf.File, 1), script.Location);
    }

    [Fact]
    public void Parse_VrrpScriptOnlyScript_UsesKeepalivedDefaults()
    {
        var script = SingleScript("script /bin/true");

        Assert.Equal(TimeSpan.FromSeconds(1), script.Interval);
        Assert.Null(script.Timeout);
        Assert.Equal(0, script.Weight);
        Assert.False(script.WeightReverse);
        Assert.Equal(1, script.Rise);
        Assert.Equal(1, script.Fall);
        Assert.Null(script.User);
        Assert.Null(script.Group);
        Assert.False(script.InitFail);
    }

    [Fact]
    public void Parse_VrrpScriptUnquotedWords_AreJoinedWithSpaces()
    {
        Assert.Equal("/usr/bin/pgrep -x haproxy", SingleScript("script   /usr/bin/pgrep   -x haproxy").Script);
    }

    [Fact]
    public void Parse_VrrpScriptQuoted_KeepsInnerTextWithCommentCharacters()
    {
        Assert.Equal("/bin/sh -c 'test -f /x' # !", SingleScript("script \"/bin/sh -c 'test -f /x' # !\"").Script);
    }

    [Fact]
    public void Parse_VrrpScriptWithoutScript_ReportsBlockLineAndLeavesItOut()
    {
        var result = ParseScript("interval 2");

        Assert.Equal("test.conf:1: vrrp_script 'chk' has no 'script'", Assert.Single(result.Errors).ToString());
        Assert.Empty(result.Config.Scripts);
    }

    [Fact]
    public void Parse_VrrpScriptWithoutName_ReportsFileLine()
    {
        var result = Conf.Parse("\nvrrp_script {\n script /bin/true\n}\n");

        Assert.Equal("test.conf:2: 'vrrp_script' requires a name", Assert.Single(result.Errors).ToString());
    }

    [Theory]
    [InlineData("interval 0", "interval 0 must be greater than 0")]
    [InlineData("timeout 0.0", "timeout 0.0 must be greater than 0")]
    [InlineData("interval -1", "interval -1 is out of range")]
    [InlineData("timeout soon", "timeout: 'soon' is not a number of seconds")]
    [InlineData("rise 0", "rise 0 is out of range")]
    [InlineData("fall x", "fall: 'x' is not an integer")]
    [InlineData("weight 254", "weight 254 is out of range (-253 to 253)")]
    [InlineData("weight -254", "weight -254 is out of range (-253 to 253)")]
    [InlineData("weight", "'weight' requires a value")]
    [InlineData("user", "'user' requires a value")]
    [InlineData("script \"\"", "'script' requires a value")]
    public void Parse_VrrpScriptBadValue_ReportsFileLine(string line, string message)
    {
        var result = ParseScript($"script /bin/true\n{line}");

        Conf.HasError(result, 3, message);
    }

    [Theory]
    [InlineData("weight 253", 253, false)]
    [InlineData("weight -253 reverse", -253, true)]
    public void Parse_VrrpScriptWeightAtLimits_IsAccepted(string line, int weight, bool reverse)
    {
        var script = SingleScript($"script /bin/true\n{line}");

        Assert.Equal((weight, reverse), (script.Weight, script.WeightReverse));
    }

    [Fact]
    public void Parse_VrrpScriptUnknownKeywordAndExtraArguments_WarnWithLine()
    {
        var result = ParseScript("script /bin/true\nfrobnicate 1\nweight 2 reverse loudly\nuser a b c");

        Conf.NoErrors(result);
        Conf.HasWarning(result, 3, "unknown keyword 'frobnicate'");
        Conf.HasWarning(result, 4, "'weight': extra arguments ignored: loudly");
        Conf.HasWarning(result, 5, "'user': extra arguments ignored: c");
    }

    [Fact]
    public void Parse_DuplicateVrrpScriptName_ReportsSecondNamingFirstAndKeepsFirst()
    {
        var result = Conf.Parse("vrrp_script chk {\n script /bin/true\n}\nvrrp_script chk {\n script /bin/false\n}\n");

        Assert.Equal("test.conf:4: duplicate vrrp_script 'chk' (first defined at test.conf:1)", Assert.Single(result.Errors).ToString());
        Assert.Equal("/bin/true", Assert.Single(result.Config.Scripts).Script);
    }

    [Fact]
    public void Parse_VrrpScriptWithoutUser_InheritsScriptUserFromLaterGlobalDefs()
    {
        var result = Conf.Parse("vrrp_script chk {\n script /bin/true\n}\nglobal_defs {\n script_user checker checkers\n}\n");

        Conf.NoErrors(result);
        var script = Assert.Single(result.Config.Scripts);
        Assert.Equal(("checker", "checkers"), (script.User, script.Group));
    }

    [Fact]
    public void Parse_VrrpScriptOwnUser_OverridesScriptUser()
    {
        var result = Conf.Parse("global_defs {\n script_user checker checkers\n}\nvrrp_script chk {\n script /bin/true\n user nobody\n}\n");

        var script = Assert.Single(result.Config.Scripts);
        Assert.Equal(("nobody", (string?)null), (script.User, script.Group));
    }

    [Fact]
    public void Parse_GlobalScriptUserAndSecurity_AreMapped()
    {
        var result = Conf.Parse("global_defs {\n script_user keepalived_script\n enable_script_security\n}\n");

        Conf.NoErrors(result);
        Conf.NoWarnings(result);
        Assert.Equal("keepalived_script", result.Config.Global.ScriptUser);
        Assert.Null(result.Config.Global.ScriptGroup);
        Assert.True(result.Config.Global.EnableScriptSecurity);
    }

    [Fact]
    public void Parse_VrrpTrackFileAllKeywords_AreMapped()
    {
        var result = ParseTrackFile("file \"/run/ha/maint file\"\nweight -5 reverse\ninit_file 7 overwrite");

        Conf.NoErrors(result);
        var file = Assert.Single(result.Config.TrackFiles);
        Assert.Equal(("tf", "/run/ha/maint file"), (file.Name, file.Path));
        Assert.Equal((-5, true), (file.Weight, file.WeightReverse));
        Assert.Equal((7, true), (file.InitValue, file.InitOverwrite));
        Assert.Equal(new SourceLocation(Conf.File, 1), file.Location);
    }

    [Theory]
    [InlineData("", 1, null, false)]
    [InlineData("init_file", 1, 0, false)]
    [InlineData("init_file overwrite", 1, 0, true)]
    [InlineData("init_file -3", 1, -3, false)]
    [InlineData("weight 4", 4, null, false)]
    public void Parse_VrrpTrackFileDefaults_MatchKeepalived(string line, int weight, int? initValue, bool overwrite)
    {
        var result = ParseTrackFile($"file /run/ha/maint\n{line}");

        Conf.NoErrors(result);
        var file = Assert.Single(result.Config.TrackFiles);
        Assert.Equal((weight, false, initValue, overwrite), (file.Weight, file.WeightReverse, file.InitValue, file.InitOverwrite));
    }

    [Fact]
    public void Parse_VrrpTrackFileWithoutFile_ReportsBlockLineAndLeavesItOut()
    {
        var result = ParseTrackFile("weight 2");

        Assert.Equal("test.conf:1: vrrp_track_file 'tf' has no 'file'", Assert.Single(result.Errors).ToString());
        Assert.Empty(result.Config.TrackFiles);
    }

    [Theory]
    [InlineData("weight 300", "weight 300 is out of range (-253 to 253)")]
    [InlineData("init_file lots", "init_file: 'lots' is not an integer")]
    [InlineData("file", "'file' requires a value")]
    public void Parse_VrrpTrackFileBadValue_ReportsFileLine(string line, string message)
    {
        var result = ParseTrackFile($"file /run/ha/maint\n{line}");

        Conf.HasError(result, 3, message);
    }

    [Fact]
    public void Parse_VrrpTrackFileUnknownKeyword_WarnsWithLine()
    {
        var result = ParseTrackFile("file /run/ha/maint\nmode 0644");

        Conf.NoErrors(result);
        Conf.HasWarning(result, 3, "unknown keyword 'mode'");
    }

    [Fact]
    public void Parse_DuplicateVrrpTrackFileName_ReportsSecondNamingFirst()
    {
        var result = Conf.Parse("vrrp_track_file tf {\n file /a\n}\nvrrp_track_file tf {\n file /b\n}\n");

        Assert.Equal("test.conf:4: duplicate vrrp_track_file 'tf' (first defined at test.conf:1)", Assert.Single(result.Errors).ToString());
        Assert.Equal("/a", Assert.Single(result.Config.TrackFiles).Path);
    }
}
