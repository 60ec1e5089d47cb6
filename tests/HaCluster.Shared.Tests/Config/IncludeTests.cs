using HaCluster.Shared.Config;

namespace HaCluster.Shared.Tests.Config;

public sealed class IncludeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hacluster-include-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string relativePath, string text)
    {
        var path = Path.Combine(_dir, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Load_IncludeGlob_SplicesMatchesInOrder()
    {
        Write("conf.d/20-b.conf", Conf.Instance("VI_B", vrid: 2));
        Write("conf.d/10-a.conf", Conf.Instance("VI_A", vrid: 1));
        Write("conf.d/notes.txt", "garbage {");
        var main = Write("keepalived.conf", "global_defs {\n  router_id r\n}\ninclude conf.d/*.conf\n");

        var result = KeepalivedConfigLoader.Load(main);

        Conf.NoErrors(result);
        Assert.Equal(["VI_A", "VI_B"], result.Config.Instances.Select(i => i.Name));
    }

    [Fact]
    public void Load_IncludeQuestionMarkGlob_MatchesSingleCharacter()
    {
        Write("vi1.conf", Conf.Instance("VI_1", vrid: 1));
        Write("vi22.conf", Conf.Instance("VI_22", vrid: 22));
        var main = Write("keepalived.conf", "include vi?.conf\n");

        var result = KeepalivedConfigLoader.Load(main);

        Assert.Equal("VI_1", Assert.Single(result.Config.Instances).Name);
    }

    [Fact]
    public void Load_IncludedFileError_ReportsIncludedFileAndLine()
    {
        var included = Write("sub/vi.conf", "vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 300\n}\n");
        var main = Write("keepalived.conf", "include sub/vi.conf\n");

        var result = KeepalivedConfigLoader.Load(main);

        var error = Conf.HasError(result, 3, "virtual_router_id 300");
        Assert.Equal(included, error.Location.File);
    }

    [Fact]
    public void Load_IncludeInsideBlock_AddsStatementsToThatBlock()
    {
        Write("vips.conf", "192.0.2.10\n192.0.2.11\n");
        var main = Write("keepalived.conf", Conf.Instance(body: "virtual_ipaddress {\ninclude vips.conf\n}"));

        var result = KeepalivedConfigLoader.Load(main);

        Conf.NoErrors(result);
        Assert.Equal(2, Assert.Single(result.Config.Instances).VirtualIps.Length);
    }

    [Fact]
    public void Load_IncludeRelativeToIncludingFile_ResolvesNested()
    {
        Write("a/b/leaf.conf", Conf.Instance());
        Write("a/mid.conf", "include b/leaf.conf\n");
        var main = Write("keepalived.conf", "include a/mid.conf\n");

        var result = KeepalivedConfigLoader.Load(main);

        Conf.NoErrors(result);
        Assert.Single(result.Config.Instances);
    }

    [Fact]
    public void Load_IncludeMissingFile_IsAnErrorWithItsLine()
    {
        var main = Write("keepalived.conf", "global_defs {\n}\ninclude missing.conf\n");

        var result = KeepalivedConfigLoader.Load(main);

        Conf.HasError(result, 3, "include 'missing.conf': no such file");
    }

    [Fact]
    public void Load_IncludeGlobWithoutMatches_IsAnErrorWithItsLine()
    {
        var main = Write("keepalived.conf", "include conf.d/*.conf\n");

        var result = KeepalivedConfigLoader.Load(main);

        Conf.HasError(result, 1, "include 'conf.d/*.conf' matched no files");
    }

    [Fact]
    public void Load_IncludeCycle_ReportsErrorWithoutLooping()
    {
        Write("b.conf", "\ninclude keepalived.conf\n");
        var main = Write("keepalived.conf", "include b.conf\n");

        var result = KeepalivedConfigLoader.Load(main);

        Conf.HasError(result, 2, "include cycle");
    }

    [Fact]
    public void Load_IncludeDeeperThanLimit_ReportsError()
    {
        for (var i = 0; i < 12; i++)
        {
            Write($"level{i}.conf", $"include level{i + 1}.conf\n");
        }

        Write("level12.conf", Conf.Instance());

        var result = KeepalivedConfigLoader.Load(Path.Combine(_dir, "level0.conf"));

        Assert.Contains(result.Errors, e => e.Message.Contains("nested deeper", StringComparison.Ordinal));
        Assert.Empty(result.Config.Instances);
    }

    [Fact]
    public void Parse_IncludeResolvedAgainstFileNameDirectory()
    {
        Write("vi.conf", Conf.Instance());

        var result = KeepalivedConfigLoader.Parse("include vi.conf\n", Path.Combine(_dir, "keepalived.conf"));

        Conf.NoErrors(result);
        Assert.Single(result.Config.Instances);
    }

    [Fact]
    public void Parse_IncludeWithoutPattern_ReportsError()
    {
        var result = Conf.Parse("include\n");

        Conf.HasError(result, 1, "'include' requires");
    }

    [Fact]
    public void Glob_WildcardDoesNotMatchLeadingDot()
    {
        Assert.True(ConfigGlob.Matches("*.conf", "a.conf"));
        Assert.False(ConfigGlob.Matches("*.conf", ".hidden.conf"));
        Assert.True(ConfigGlob.Matches(".*.conf", ".hidden.conf"));
        Assert.False(ConfigGlob.Matches("?.conf", "ab.conf"));
    }
}
