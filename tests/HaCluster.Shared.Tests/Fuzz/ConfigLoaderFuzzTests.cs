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

    /// <summary>
    /// Super-linear time: a mutated corpus file repeated to about 8 KiB and to 32× that, and the shapes a parser is most
    /// likely to handle in quadratic time (many instances with distinct names, many peers, addresses, scripts, tracked
    /// scripts, includes of the same file, blocks nested and left open, lines of words) at n and 32n. Loading the larger
    /// may cost at most 256× the smaller on this thread's CPU clock (a quadratic step would cost 1,024×).
    /// </summary>
    [Fact]
    public void Loader_GrownConfigs_CostGrowsNoFasterThanTheInput()
    {
        var seeds = Corpus();
        File.WriteAllText(Path.Combine(_dir, "other.conf"), seeds[0]);
        var gen = Gen.Frequency(
            (3, Gen.Select(Gen.Int[0, seeds.Length - 1], Mutation.Array[0, 4], (seed, mutations) => new Grown(-1, Apply(seeds[seed], mutations)))),
            (2, Gen.Int[0, Shapes.Length - 1].Select(shape => new Grown(shape, ""))));
        var report = HaCluster.TestSupport.Fuzz.RunScaling("config", gen, (grown, scale) =>
        {
            var text = grown.At(scale);
            var path = Path.Combine(_dir, $"scaling-{scale}.conf");
            var bytes = Encoding.UTF8.GetBytes(text);
            File.WriteAllBytes(path, bytes);
            return (bytes, () => KeepalivedConfigLoader.Load(path));
        }, "conf", seconds: 10);
        output.WriteLine(report.ToString());
    }

    /// <summary>A config grown to a scale: a shape of <see cref="Shapes"/> repeated, or a mutated file repeated.</summary>
    private sealed record Grown(int Shape, string Text)
    {
        public string At(int scale)
        {
            if (Shape >= 0)
            {
                var (head, item, tail, count) = Shapes[Shape];
                var body = new StringBuilder(head);
                for (var i = 0; i < count * scale; i++)
                {
                    body.Append(string.Format(System.Globalization.CultureInfo.InvariantCulture, item, i, i / 256 % 256, i % 256));
                }

                return body.Append(tail).ToString();
            }

            var times = scale * Math.Max(1, (8 * 1024) / Math.Max(1, Text.Length));
            return string.Concat(Enumerable.Repeat(Text, times));
        }
    }

    /// <summary>Head, an item ({0} its number, {1} and {2} its bytes), tail, and how many items at scale 1.</summary>
    private static readonly (string Head, string Item, string Tail, int Count)[] Shapes =
    [
        ("", "vrrp_instance VI_{0} {{\n state BACKUP\n interface eth0\n virtual_router_id {2}\n priority 100\n virtual_ipaddress {{\n 192.0.2.{2}/24\n }}\n}}\n", "", 50),
        ("vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 27\n priority 100\n unicast_peer {\n", " 10.{1}.{2}.1\n", " }\n virtual_ipaddress {\n 192.0.2.1/24\n }\n}\n", 250),
        ("vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 27\n priority 100\n virtual_ipaddress {\n", " 10.{1}.{2}.1/32\n", " }\n}\n", 250),
        ("", "vrrp_script chk_{0} {{\n script \"/bin/true\"\n interval 2\n weight -10\n}}\n", "", 100),
        ("vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 27\n priority 100\n virtual_ipaddress {\n 192.0.2.1/24\n }\n track_script {\n", " chk_{0}\n", " }\n}\n", 250),
        ("", "include other.conf\n", "", 4),
        ("", "a {{\n", "", 250),
        ("", "a b c d e f g h {0}\n", "", 250),
    ];

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
