using System.Text;
using CsCheck;
using HaCluster.Shared.Config;
using HaCluster.TestSupport;
using Xunit.Abstractions;

namespace HaCluster.Shared.Tests.Fuzz;

/// <summary>
/// Mutation fuzzing of the config loader (issue 18): keepalived.conf files from the test corpus and the issue's
/// reproducers, mutated by CsCheck (bytes flipped, ranges cut or repeated, lines repeated up to thousands of times,
/// words that matter spliced in — include of special files, braces, quotes), loaded as a file with includes. Every
/// load ends within its bound with at most the capped diagnostics, and never throws.
/// </summary>
public sealed class ConfigLoaderFuzzTests(ITestOutputHelper output) : IDisposable
{
    private static readonly string[] Words =
    [
        "{", "}", "\"", "#", "!", "\\", "\n", "include", "/dev/zero", "/proc/self/*", "*.conf", "../*", "include *",
        "vrrp_instance", "virtual_ipaddress", "unicast_peer", "track_script", "vrrp_script", "global_defs", "vrrp_sync_group",
        "virtual_router_id", "priority", "advert_int", "authentication", "auth_pass", "auth_hmac", "notify", "script",
        "999999999999999999999", "-1", "0", "255", "256", "0.0001", "1e308", "255.255.255.255/33", "192.0.2.1/24", "::1",
        "dev", "label", "ens33:0", "a b c d e f g h", new string('x', 5000), "\u00e9\u4e2d\ud83d\ude00", "\0", "\r",
    ];

    private readonly string _dir = Directory.CreateTempSubdirectory("hc-fuzz-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Loader_MutatedConfigs_NeverThrowHangOrFlood()
    {
        var seeds = Corpus();
        File.WriteAllText(Path.Combine(_dir, "other.conf"), seeds[0]); // what a mutated "include *.conf" finds

        var gen = Gen.Select(Gen.Int[0, seeds.Length - 1], Mutation.Array[1, 8], (seed, mutations) => Apply(seeds[seed], mutations));
        var report = HaCluster.TestSupport.Fuzz.Run("config", gen, Encoding.UTF8.GetBytes, "conf", text =>
        {
            // As bytes: a flipped character may leave half a surrogate pair, which the file gets as U+FFFD (the
            // strict encoder of File.WriteAllText threw on it: the harness's own failure, found in CI).
            File.WriteAllBytes(Path.Combine(_dir, $"case-{Environment.CurrentManagedThreadId}.conf"), Encoding.UTF8.GetBytes(text));
            var result = KeepalivedConfigLoader.Load(Path.Combine(_dir, $"case-{Environment.CurrentManagedThreadId}.conf"));
            Assert.InRange(result.Diagnostics.Length, 0, (3 * ConfigLimits.MaxDiagnostics) + 3);
            _ = ConfigSource.FromText(text, "pushed.conf"); // the controller's pushes go through the reader without includes
        }, seconds: 15, perInput: TimeSpan.FromSeconds(10));
        output.WriteLine(report.ToString());
    }

    /// <summary>One edit: what, where (a fraction of the text), how long, which word, how many times.</summary>
    private sealed record Edit(int Kind, double At, int Length, int Word, int Times);

    private static readonly Gen<Edit> Mutation =
        Gen.Select(Gen.Int[0, 6], Gen.Double[0, 1], Gen.Int[0, 200], Gen.Int[0, Words.Length - 1], Gen.Int[1, 3000],
            (kind, at, length, word, times) => new Edit(kind, at, length, word, times));

    private static string Apply(string text, Edit[] edits)
    {
        var s = new StringBuilder(text);
        foreach (var e in edits)
        {
            var at = Math.Min(s.Length, (int)(e.At * s.Length));
            var length = Math.Min(e.Length, s.Length - at);
            switch (e.Kind)
            {
                case 0: // flip a character
                    if (s.Length > 0)
                    {
                        s[Math.Min(at, s.Length - 1)] = (char)(s[Math.Min(at, s.Length - 1)] ^ (1 << (e.Times % 7)));
                    }

                    break;
                case 1: // cut a range
                    s.Remove(at, length);
                    break;
                case 2: // repeat a range (bounded: at most 256 KiB more)
                    var range = s.ToString(at, length);
                    for (var i = 0; i < Math.Min(e.Times, 256 * 1024 / Math.Max(1, range.Length)); i++)
                    {
                        s.Insert(at, range);
                    }

                    break;
                case 3: // splice in a word
                    s.Insert(at, $" {Words[e.Word]} ");
                    break;
                case 4: // a word on a line of its own, repeated
                    s.Insert(at, string.Concat(Enumerable.Repeat($"\n{Words[e.Word]}\n", Math.Min(e.Times, 2000))));
                    break;
                case 5: // an include line
                    s.Insert(at, $"\ninclude {Words[e.Word]}\n");
                    break;
                default: // the text twice (a duplicated file)
                    if (s.Length < 128 * 1024)
                    {
                        s.Append(s.ToString());
                    }

                    break;
            }
        }

        return s.ToString();
    }

    /// <summary>The test corpus (Assets/*.conf), the seeds' reference setup, and issue 18's reproducers in small.</summary>
    private static string[] Corpus() =>
    [
        .. Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Assets"), "*.conf").Order().Select(File.ReadAllText),
        "include /dev/zero\n",
        "include /proc/self/*\n",
        string.Concat(Enumerable.Repeat("a {\n", 1000)),
        string.Concat(Enumerable.Repeat("a b c d e f g h\n", 1000)),
        "include *.conf\n",
    ];
}
