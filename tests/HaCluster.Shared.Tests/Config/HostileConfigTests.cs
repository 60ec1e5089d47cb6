using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using HaCluster.Shared.Config;

namespace HaCluster.Shared.Tests.Config;

/// <summary>
/// Issue 18's reproducers, each refused with its file:line and nothing read that a config cannot be: special files,
/// /proc and /sys, more bytes, files, words or nesting than a load may have. Each load is bounded in time by the test
/// (a FIFO used to block open() for ever).
/// </summary>
public sealed class HostileConfigTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly string _dir = Directory.CreateTempSubdirectory("hc-hostile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("/dev/zero", "/dev/zero is under /dev, not a config file")]
    [InlineData("/dev/urandom", "/dev/urandom is under /dev, not a config file")]
    [InlineData("/proc/self/pagemap", "is under /proc, not a config file")]
    [InlineData("/proc/self/environ", "is under /proc, not a config file")]
    [InlineData("/sys/kernel/mm/transparent_hugepage/enabled", "is under /sys, not a config file")]
    public void Include_APseudoFile_IsRefusedAtItsLine(string path, string expected)
    {
        var main = Write("keepalived.conf", $"global_defs {{\n}}\ninclude {path}\n");

        var result = Load(main);

        var error = Assert.Single(result.Errors);
        Assert.Equal(3, error.Location.Line);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Config_DevZeroAsTheMainFile_IsRefused()
    {
        var error = Assert.Single(Load("/dev/zero").Errors);
        Assert.Contains("is under /dev, not a config file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Include_ASymlinkToDevZero_IsRefusedByWhatItPointsTo()
    {
        File.CreateSymbolicLink(Path.Combine(_dir, "zero.conf"), "/dev/zero");
        var main = Write("keepalived.conf", "include zero.conf\n");

        Assert.Contains("/dev/zero is under /dev", Assert.Single(Load(main).Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Include_ProcSelfStar_RefusedEveryOneWithDiagnosticsCapped()
    {
        var main = Write("keepalived.conf", "include /proc/self/*\n");

        var result = Load(main);

        Assert.True(result.HasErrors);
        Assert.InRange(result.Diagnostics.Length, 1, ConfigLimits.MaxDiagnostics + 1);
        Assert.All(result.Errors.Take(ConfigLimits.MaxDiagnostics), e => Assert.Equal((Path.GetFileName(main), 1), (Path.GetFileName(e.Location.File), e.Location.Line)));
    }

    [Fact]
    public void Include_AFifo_IsRefusedWithoutBlocking()
    {
        var fifo = Path.Combine(_dir, "pipe.conf");
        using (var mkfifo = Process.Start("mkfifo", [fifo]))
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        var main = Write("keepalived.conf", "\ninclude pipe.conf\n");

        var error = Assert.Single(Load(main).Errors);
        Assert.Equal(2, error.Location.Line);
        Assert.Contains("it is a FIFO, not a regular file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Include_ASocketOrADirectory_IsRefused()
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(Path.Combine(_dir, "socket.conf")));
        Directory.CreateDirectory(Path.Combine(_dir, "dir.conf"));
        var main = Write("keepalived.conf", "include socket.conf\ninclude dir.conf\n");

        var errors = Load(main).Errors.ToList();

        Assert.Equal(2, errors.Count);
        Assert.Contains("it is a socket, not a regular file", errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("it is a directory, not a regular file", errors[1].Message, StringComparison.Ordinal);
    }

    /// <summary>1.3 MB of one-letter words used to abort --check with OutOfMemoryException: the cap counts words, not bytes.</summary>
    [Fact]
    public void Config_MoreWordsThanALoadMayHave_IsRefused()
    {
        var main = Write("keepalived.conf", string.Concat(Enumerable.Repeat("a b c d e f g h\n", 80_000)));

        var result = Load(main);

        Assert.Contains(result.Errors, e => e.Message.Contains($"config too large: more than {ConfigLimits.MaxTokens:N0} words and braces", StringComparison.Ordinal));
        Assert.InRange(result.Diagnostics.Length, 1, ConfigLimits.MaxDiagnostics + 1);
    }

    /// <summary>
    /// Found by the scaling fuzz target (seed f4JJqHg3iYf2): a file's lines are lexed within the budget left when it
    /// opens, but its includes spend from the same budget, so its later lines went over it unchecked, and the next
    /// include (with nothing left, and an empty file) threw ArgumentOutOfRangeException out of the loader.
    /// </summary>
    [Fact]
    public void Config_IncludesSpendTheBudgetBeforeTheIncludingFilesLaterLines_RefusedAtTheLineThatCrossesIt()
    {
        Write("big.conf", string.Concat(Enumerable.Repeat("a b c d e f g h\n", 25_000))); // 200,000 words
        Write("empty.conf", "");
        var main = Write("keepalived.conf", "include big.conf\n" + string.Concat(Enumerable.Repeat("w w w w w w w w w w\n", 10_000)) + "include empty.conf\n");

        var result = Load(main);

        var error = Assert.Single(result.Errors);
        Assert.Contains($"config too large: more than {ConfigLimits.MaxTokens:N0} words and braces", error.Message, StringComparison.Ordinal);
        // 200,000 from big.conf, then 5,000 lines of ten words on lines 2..5001: the one on line 5002 crosses 250,000.
        Assert.Equal((main, 5002), (error.Location.File, error.Location.Line));
    }

    [Fact]
    public void Config_OneLineOfAMillionWords_IsRefused()
    {
        var main = Write("keepalived.conf", string.Concat(Enumerable.Repeat("a ", 1_000_000)));

        Assert.Contains(Load(main).Errors, e => e.Message.Contains("config too large", StringComparison.Ordinal));
    }

    /// <summary>Six levels of files, each including the next ten times: a million reads before; now the file budget, with the include chain.</summary>
    [Fact]
    public void Include_ABombOfNestedRepeats_RefusedAtTheFileBudgetNamingTheChain()
    {
        for (var level = 1; level <= 6; level++)
        {
            Write($"level{level}.conf", level == 6 ? "# leaf\n" : string.Concat(Enumerable.Repeat($"include level{level + 1}.conf\n", 10)));
        }

        var main = Write("keepalived.conf", "include level1.conf\n");

        var error = Assert.Single(Load(main).Errors, e => e.Message.Contains("config too large", StringComparison.Ordinal));
        Assert.Contains($"more than {ConfigLimits.MaxFiles} files", error.Message, StringComparison.Ordinal);
        Assert.Contains("include chain:", error.Message, StringComparison.Ordinal);
        Assert.Contains("level1.conf", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Eight files each including *.conf: cycles are refused one by one, and the whole by the file budget.</summary>
    [Fact]
    public void Include_EightFilesEachIncludingStar_IsRefused()
    {
        var sub = Directory.CreateDirectory(Path.Combine(_dir, "d")).FullName;
        for (var i = 0; i < 8; i++)
        {
            File.WriteAllText(Path.Combine(sub, $"f{i}.conf"), "include *.conf\n");
        }

        var result = Load(Path.Combine(sub, "f0.conf"));

        Assert.True(result.HasErrors);
        Assert.InRange(result.Diagnostics.Length, 1, ConfigLimits.MaxDiagnostics + 1);
    }

    [Fact]
    public void Include_AGlobOfMoreFilesThanALoadMayRead_IsRefused()
    {
        var sub = Directory.CreateDirectory(Path.Combine(_dir, "many")).FullName;
        for (var i = 0; i <= ConfigLimits.MaxFiles; i++)
        {
            File.WriteAllText(Path.Combine(sub, $"{i:D4}.conf"), "# nothing\n");
        }

        var main = Write("keepalived.conf", "include many/*.conf\n");

        var error = Assert.Single(Load(main).Errors);
        Assert.Contains($"more than {ConfigLimits.MaxFiles} files", error.Message, StringComparison.Ordinal);
    }

    /// <summary>/usr/share/doc/*/*: thousands of changelogs, some compressed; refused by the budget, never read in full.</summary>
    [Fact]
    public void Include_UsrShareDocStarStar_IsRefused()
    {
        var main = Write("keepalived.conf", "include /usr/share/doc/*/*\n");

        var result = Load(main);

        Assert.True(result.HasErrors);
        Assert.InRange(result.Diagnostics.Length, 1, ConfigLimits.MaxDiagnostics + 1);
    }

    [Fact]
    public void Include_MoreBytesInAllThanALoadMayRead_IsRefused()
    {
        // Files just under the per-file cap: four fit in the load's budget (with the main file), the fifth does not.
        var chunk = new string('#', (int)ConfigLimits.MaxFileBytes - 1024) + "\n";
        var count = (int)(ConfigLimits.MaxTotalBytes / ConfigLimits.MaxFileBytes) + 1;
        for (var i = 0; i < count; i++)
        {
            Write($"part{i}.conf", chunk);
        }

        var main = Write("keepalived.conf", string.Concat(Enumerable.Range(0, count).Select(i => $"include part{i}.conf\n")));

        var error = Assert.Single(Load(main).Errors);
        Assert.Contains($"more than {ConfigFile.Size(ConfigLimits.MaxTotalBytes)} in all", error.Message, StringComparison.Ordinal);
        Assert.Equal(count, error.Location.Line);
    }

    [Fact]
    public void Diagnostics_BeyondTheCap_AreCountedInOneLastLine()
    {
        var main = Write("keepalived.conf", string.Concat(Enumerable.Repeat("}\n", 1_000)));

        var result = Load(main);

        Assert.Equal(ConfigLimits.MaxDiagnostics + 1, result.Diagnostics.Length);
        var last = result.Diagnostics[^1];
        Assert.Equal(DiagnosticSeverity.Error, last.Severity);
        Assert.Contains("and 900 more (900 error(s), 0 warning(s)) not listed", last.Message, StringComparison.Ordinal);
        Assert.Equal(ConfigLimits.MaxDiagnostics + 1, last.Location.Line);
    }

    /// <summary>A config at the edge of every limit still loads: the budget refuses abuse, not size.</summary>
    [Fact]
    public void Config_AThousandInstances_StillLoads()
    {
        var text = new StringBuilder();
        for (var i = 0; i < 1_000; i++)
        {
            text.Append(Instance(i));
        }

        var result = Load(Write("keepalived.conf", text.ToString()));

        Assert.False(result.HasErrors, string.Join('\n', result.Errors.Take(5)));
        Assert.Equal(1_000, result.Config.Instances.Length);
    }

    private static string Instance(int i) => $$"""
        vrrp_instance VI_{{i}} {
            interface eth{{i / 255}}
            virtual_router_id {{(i % 255) + 1}}
            priority 100
            advert_int 1
            unicast_src_ip 192.0.2.10
            unicast_peer {
                192.0.2.11
            }
            virtual_ipaddress {
                198.51.{{i / 250}}.{{(i % 250) + 1}}/24
            }
        }

        """;

    private static ConfigLoadResult Load(string path)
    {
        var load = Task.Run(() => KeepalivedConfigLoader.Load(path));
        Assert.True(load.Wait(Bound), $"loading {path} took longer than {Bound}");
        return load.Result;
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }
}
