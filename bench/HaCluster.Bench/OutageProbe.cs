using System.Globalization;
using System.Net;
using HaCluster.TestSupport;

namespace HaCluster.Bench;

/// <summary>Pings the VIP from the client every 2 ms (ping -D) and reports the longest time without a reply.</summary>
internal sealed class OutageProbe(LabProcess ping, DateTime started)
{
    public const double IntervalSeconds = 0.002;

    public static async Task<OutageProbe> StartAsync(NetnsLab lab, IPAddress vip, string name)
    {
        var ping = lab.Start(lab.Client, "ping", ["-D", "-n", "-i", IntervalSeconds.ToString(CultureInfo.InvariantCulture), "-W", "1", vip.ToString()], name);
        await ping.WaitForOutputAsync("bytes from", TimeSpan.FromSeconds(10));
        return new OutageProbe(ping, DateTime.UtcNow);
    }

    /// <summary>Stops pinging; the longest gap between two replies (or from the last reply to the stop), minus one interval.</summary>
    public async Task<TimeSpan> StopAsync()
    {
        var stopped = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        await ping.StopAsync();
        var replies = ping.Output.Split('\n')
            .Where(l => l.StartsWith('[') && l.Contains("bytes from", StringComparison.Ordinal))
            .Select(l => double.Parse(l[1..l.IndexOf(']', StringComparison.Ordinal)], CultureInfo.InvariantCulture))
            .Append(stopped)
            .ToList();
        var longest = replies.Zip(replies.Skip(1), (a, b) => b - a).DefaultIfEmpty(0).Max();
        return TimeSpan.FromSeconds(Math.Max(0, longest - IntervalSeconds));
    }

    /// <summary>Whether the last reply arrived within <paramref name="window"/> (replies are flowing again).</summary>
    public bool RepliedWithin(TimeSpan window)
    {
        var output = ping.Output;
        var end = output.LastIndexOf("bytes from", StringComparison.Ordinal);
        var start = end < 0 ? -1 : output.LastIndexOf('[', end);
        if (start < 0 || DateTime.UtcNow - started < window)
        {
            return false;
        }

        var at = double.Parse(output[(start + 1)..output.IndexOf(']', start)], CultureInfo.InvariantCulture);
        return DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0 - at < window.TotalSeconds;
    }
}
