using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace HaCluster.TestSupport;

/// <summary>
/// What a client of a VIP sees while something happens: from the lab's client, a ping every 10 ms and a TCP request
/// every 10 ms (a new connection to the hosts' responders, which answer with their name), for a fixed time.
/// </summary>
public sealed partial class ClientLoad
{
    private readonly Task<(int Sent, int Received, string Output)> _ping;
    private readonly Task<(int Sent, int Failed, IReadOnlyDictionary<string, int> Answers)> _requests;

    private ClientLoad(NetnsLab lab, IPAddress vip, TimeSpan duration, bool requests)
    {
        _ping = PingAsync(lab, vip, duration);
        _requests = requests ? RequestAsync(lab, vip, duration) : Task.FromResult((0, 0, (IReadOnlyDictionary<string, int>)new Dictionary<string, int>()));
    }

    /// <summary>Starts pinging (and, with <paramref name="requests"/>, requesting) <paramref name="vip"/> for <paramref name="duration"/>.</summary>
    public static ClientLoad Start(NetnsLab lab, IPAddress vip, TimeSpan duration, bool requests = false) => new(lab, vip, duration, requests);

    /// <summary>Waits for the end: pings sent and answered, requests sent and failed, and which hosts answered how often.</summary>
    public async Task<(int PingsSent, int PingsLost, int Requests, int RequestsFailed, IReadOnlyDictionary<string, int> Answers)> ResultAsync()
    {
        var (sent, received, _) = await _ping.ConfigureAwait(false);
        var (requests, failed, answers) = await _requests.ConfigureAwait(false);
        return (sent, sent - received, requests, failed, answers);
    }

    private static async Task<(int, int, string)> PingAsync(NetnsLab lab, IPAddress vip, TimeSpan duration)
    {
        var result = await lab.ExecAsync(lab.Client.Namespace, duration + TimeSpan.FromSeconds(10), "ping", "-n", "-q", "-i", "0.01", "-W", "1",
            "-w", ((int)duration.TotalSeconds).ToString(CultureInfo.InvariantCulture), vip.ToString()).ConfigureAwait(false);
        var summary = PingSummary().Match(result.Stdout);
        if (!summary.Success)
            throw new InvalidOperationException($"ping printed no summary: {result}");
        return (int.Parse(summary.Groups["sent"].Value, CultureInfo.InvariantCulture), int.Parse(summary.Groups["received"].Value, CultureInfo.InvariantCulture), result.Stdout);
    }

    private static async Task<(int, int, IReadOnlyDictionary<string, int>)> RequestAsync(NetnsLab lab, IPAddress vip, TimeSpan duration)
    {
        var answers = new Dictionary<string, int>(StringComparer.Ordinal);
        var (sent, failed) = (0, 0);
        var end = DateTime.UtcNow + duration;
        while (DateTime.UtcNow < end)
        {
            sent++;
            if (await lab.ProbeAsync(vip, timeout: TimeSpan.FromSeconds(1)).ConfigureAwait(false) is { } host)
                answers[host] = answers.GetValueOrDefault(host) + 1;
            else
                failed++;
            await Task.Delay(10).ConfigureAwait(false); // one request every 10 ms, as the issue's client does
        }

        return (sent, failed, answers);
    }

    [GeneratedRegex(@"(?<sent>\d+) packets transmitted, (?<received>\d+) received")]
    private static partial Regex PingSummary();
}
