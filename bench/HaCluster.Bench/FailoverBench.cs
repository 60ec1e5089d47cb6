using System.Net;
using HaCluster.TestSupport;

namespace HaCluster.Bench;

internal enum Scenario
{
    Sigterm,
    HostLoss,
    Partition,
    Heal,
}

internal sealed record Setting(string Label, int Version, double AdvertSeconds);

internal sealed record Measurement(Scenario Scenario, Setting Setting, Daemon Daemon, TimeSpan Outage, long MasterRssKiB);

/// <summary>
/// The longest VIP outage seen from a client namespace, for one daemon pair (n1 priority 100, n2 priority 80) and one
/// fault, measured with a 10 ms ping. Each run gets a fresh lab, so runs do not influence each other.
/// </summary>
internal static class FailoverBench
{
    public static readonly IPAddress Vip = IPAddress.Parse("192.0.2.100");
    private static readonly TimeSpan HealObservation = TimeSpan.FromSeconds(60);

    public static async Task<IReadOnlyList<Measurement>> RunAsync(Daemon daemon, Setting setting, Action<string> log)
    {
        var results = new List<Measurement>();
        foreach (var scenario in new[] { Scenario.Sigterm, Scenario.HostLoss })
        {
            await using var lab = await NetnsLab.CreateAsync(2);
            var (n1, _) = await SettleAsync(lab, daemon, setting);
            var rss = Daemon.ResidentKiB(n1);
            var probe = await OutageProbe.StartAsync(lab, Vip, "ping");
            await Task.Delay(500);
            await (scenario == Scenario.Sigterm ? n1.StopAsync() : lab.SetCableAsync(lab.Hosts[0], connected: false));
            await WaitForAsync(() => lab.HasAddressAsync(lab.Hosts[1], Vip), TimeSpan.FromSeconds(15));
            await Task.Delay(TimeSpan.FromSeconds(2));
            results.Add(new Measurement(scenario, setting, daemon, await probe.StopAsync(), rss));
            log($"{daemon.Name} {setting.Label} {scenario}: {results[^1].Outage.TotalMilliseconds:0} ms");
        }

        results.AddRange(await PartitionAndHealAsync(daemon, setting, log));
        return results;
    }

    private static async Task<IReadOnlyList<Measurement>> PartitionAndHealAsync(Daemon daemon, Setting setting, Action<string> log)
    {
        await using var lab = await NetnsLab.CreateAsync(2);
        var (n1, _) = await SettleAsync(lab, daemon, setting);
        var rss = Daemon.ResidentKiB(n1);
        var (a, b) = (lab.Hosts[0], lab.Hosts[1]);

        var probe = await OutageProbe.StartAsync(lab, Vip, "ping-partition");
        await Task.Delay(500);
        await lab.PartitionAsync(a, b);
        await WaitForAsync(() => lab.HasAddressAsync(b, Vip), TimeSpan.FromSeconds(15));
        await Task.Delay(TimeSpan.FromSeconds(2));
        var partition = new Measurement(Scenario.Partition, setting, daemon, await probe.StopAsync(), rss);
        log($"{daemon.Name} {setting.Label} partition: {partition.Outage.TotalMilliseconds:0} ms");

        probe = await OutageProbe.StartAsync(lab, Vip, "ping-heal");
        await Task.Delay(500);
        await lab.HealAsync(a, b);
        await WaitForAsync(async () => !await lab.HasAddressAsync(b, Vip), TimeSpan.FromSeconds(15));
        await WaitForAsync(() => Task.FromResult(probe.RepliedWithin(TimeSpan.FromMilliseconds(200))), HealObservation);
        await Task.Delay(TimeSpan.FromSeconds(1));
        var heal = new Measurement(Scenario.Heal, setting, daemon, await probe.StopAsync(), rss);
        log($"{daemon.Name} {setting.Label} heal: {heal.Outage.TotalMilliseconds:0} ms");
        return [partition, heal];
    }

    /// <summary>n1 first, holding the VIP; then n2, given a Master_Down_Interval to settle as backup.</summary>
    internal static async Task<(LabProcess N1, LabProcess N2)> SettleAsync(NetnsLab lab, Daemon daemon, Setting setting)
    {
        var n1 = daemon.Start(lab, lab.Hosts[0], Config(lab, lab.Hosts[0], 100, setting), "n1");
        if (!await WaitForAsync(() => lab.HasAddressAsync(lab.Hosts[0], Vip), TimeSpan.FromSeconds(20)))
        {
            throw new InvalidOperationException($"{daemon.Name} on n1 never took the VIP; see {lab.WorkDir}");
        }

        var n2 = daemon.Start(lab, lab.Hosts[1], Config(lab, lab.Hosts[1], 80, setting), "n2");
        await Task.Delay(TimeSpan.FromSeconds((4 * setting.AdvertSeconds) + 1));
        if (await lab.HasAddressAsync(lab.Hosts[1], Vip))
        {
            throw new InvalidOperationException($"{daemon.Name} on n2 holds the VIP after settling; see {lab.WorkDir}");
        }

        return (n1, n2);
    }

    internal static string Config(NetnsLab lab, LabHost self, int priority, Setting setting) =>
        Keepalived.Config(self.Name, KeepalivedInstance.Unicast(self, lab.Hosts, 27, priority, Vip) with
        {
            Version = setting.Version,
            AdvertInterval = TimeSpan.FromSeconds(setting.AdvertSeconds),
            AuthPass = setting.Version == 2 ? "1111" : null,
        });

    internal static async Task<bool> WaitForAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(20);
        }

        return false;
    }
}
