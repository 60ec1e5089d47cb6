using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using HaCluster.Agent.Vrrp;
using HaCluster.Agent.Wire;
using HaCluster.Shared.Config;
using HaCluster.TestSupport;

namespace HaCluster.Bench;

/// <summary>
/// What auth_hmac costs: nanoseconds per advert to sign and to receive-and-verify (the whole receive path, next to
/// the same path with PASS), in process, median of batches; and the footprint of 100 HMAC instances next to 100 PASS
/// ones, for the agent and keepalived 2.4.3 in the same run.
/// </summary>
internal static class HmacBench
{
    private const int Batch = 20_000;
    private const int Batches = 15;
    private static readonly IPAddress N1 = IPAddress.Parse("192.0.2.10");
    private static readonly IPAddress N2 = IPAddress.Parse("192.0.2.11");
    private static readonly byte[] Key = [.. Enumerable.Range(0, 32).Select(i => (byte)i)];

    public static string Micro()
    {
        var clock = TimeProvider.System;
        var hmac = new HmacAuthConfig { Keys = [new HmacKey(1, [.. Key])], ActiveKey = 1, AntiReplay = AntiReplay.Monotonic };
        var advert = new VrrpAdvert(2, 27, 100, TimeSpan.FromSeconds(1), [IPAddress.Parse("192.0.2.100")]);
        var message = VrrpCodec.Encode(advert, N1, N2);
        var signer = new HmacSigner(hmac, TimeSpan.FromSeconds(5), clock);
        var trailer = new byte[HmacTrailer.Length];
        var sign = Median(() => signer.Sign(message, N1, trailer));

        // Receive: each packet a fresh sequence (as a real stream is), decoded, origin-checked, verified, replay-checked.
        var config = new VrrpInstanceConfig("VI", "eth0", 27) { UnicastPeers = [new UnicastPeer(N1)], VirtualIps = [new VirtualIp(IPAddress.Parse("192.0.2.100"))] };
        // One verifier for the whole stream, each packet newer than the last: every one is accepted, none a replay.
        var stream = Enumerable.Range(0, (Batches + 1) * Batch).Select(_ =>
        {
            signer.Sign(message, N1, trailer);
            return Ipv4([.. message, .. trailer]);
        }).ToArray();
        var signedPolicy = AdvertPolicy.From(config with { Hmac = hmac }, N2) with { Hmac = new HmacVerifier(hmac, TimeSpan.FromSeconds(5), clock) };
        var refused = 0;
        var verify = MedianOfStream(stream, p => refused += AdvertFilter.Accept(p, signedPolicy, out _, out _) == DropReason.None ? 0 : 1);
        if (refused > 0)
        {
            throw new InvalidOperationException($"{refused} signed adverts refused in the benchmark");
        }
        var pass = VrrpCodec.Encode(advert with { AuthType = AuthType.Pass, AuthData = AdvertPolicy.AuthBytes("1111") }, N1, N2);
        var passPolicy = AdvertPolicy.From(config with { AuthType = AuthType.Pass, AuthPass = "1111" }, N2);
        var passPacket = Ipv4(pass);
        var receivePass = Median(() => AdvertFilter.Accept(passPacket, passPolicy, out _, out _));

        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"auth_hmac per advert, in process (median of {Batches} batches of {Batch:N0}; v2, one VIP, 32-byte key):");
        text.AppendLine();
        text.AppendLine("| step | ns per advert |");
        text.AppendLine("|---|---:|");
        text.AppendLine(CultureInfo.InvariantCulture, $"| sign (sequence + HMAC-SHA256, once per advert for every peer) | {sign:0} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| receive with auth_hmac (decode, peer, window, key, HMAC, replay) | {verify:0} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| receive with PASS (decode, peer, password) | {receivePass:0} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| ratio HMAC / PASS receive | {verify / receivePass:0.0} |");
        return text.ToString();
    }

    /// <summary>100 instances idle as master, HMAC vs PASS, agent and keepalived 2.4.3: resident and anonymous memory, CPU.</summary>
    public static async Task<string> FootprintAsync(Daemon agent, int runs, TimeSpan window, Action<string> log)
    {
        Keepalived.Require24();
        var results = new List<(string Daemon, string Auth, Footprint Footprint)>();
        for (var run = 1; run <= runs; run++)
        {
            foreach (var daemon in new[] { agent, Daemon.Keepalived24 })
            {
                results.Add((daemon.Name, "PASS", await FootprintBench.IdleAsync(daemon, 100, window, log, i => i with { AuthPass = "1111" })));
                results.Add((daemon.Name, "HMAC", await FootprintBench.IdleAsync(daemon, 100, window, log, i => i with { HmacKey = "hex:" + Convert.ToHexStringLower(Key) })));
            }
        }

        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"100 instances idle as master over {window.TotalSeconds:0} s (v2, advert_int 1), median of {runs} run(s):");
        text.AppendLine();
        text.AppendLine("| daemon | auth | RSS | anonymous | CPU |");
        text.AppendLine("|---|---|---:|---:|---:|");
        foreach (var group in results.GroupBy(r => (r.Daemon, r.Auth)))
        {
            var f = group.Select(g => g.Footprint).ToList();
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {group.Key.Daemon} | {group.Key.Auth} | {Median(f.Select(x => x.RssKiB / 1024.0)):0.0} MiB | {Median(f.Select(x => x.AnonymousKiB / 1024.0)):0.0} MiB | {Median(f.Select(x => x.Cpu.TotalMilliseconds)):0} ms |");
        }

        return text.ToString();
    }

    private static double Median(Action action) => MedianOver(new object?[Batch], _ => action());

    /// <summary>The first batch warms up; each later one is timed on its own slice of the stream.</summary>
    private static double MedianOfStream<T>(T[] stream, Action<T> action)
    {
        var times = new List<double>();
        for (var b = 0; b <= Batches; b++)
        {
            var watch = Stopwatch.StartNew();
            for (var i = b * Batch; i < (b + 1) * Batch; i++)
            {
                action(stream[i]);
            }

            if (b > 0)
            {
                times.Add(watch.Elapsed.TotalNanoseconds / Batch);
            }
        }

        return Median(times);
    }

    private static double MedianOver<T>(T[] items, Action<T> action)
    {
        foreach (var item in items.Take(1000))
        {
            action(item); // warm-up: JIT and caches
        }

        var times = new List<double>();
        for (var b = 0; b < Batches; b++)
        {
            var watch = Stopwatch.StartNew();
            foreach (var item in items)
            {
                action(item);
            }

            times.Add(watch.Elapsed.TotalNanoseconds / items.Length);
        }

        return Median(times);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[sorted.Count / 2];
    }

    private static byte[] Ipv4(byte[] payload) => Forger.Ipv4(N1.ToString(), N2.ToString(), 255, payload);
}
