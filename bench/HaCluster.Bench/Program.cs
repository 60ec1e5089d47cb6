using System.Globalization;
using HaCluster.Bench;
using HaCluster.TestSupport;

// hacluster-bench: failover outages of hacluster-agent next to keepalived, same lab, same run. Needs root.
var runs = args.Length > 1 && args[0] == "--runs" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
if (!Privileges.CanUseNamespaces)
{
    Console.Error.WriteLine("hacluster-bench needs root (network namespaces, raw sockets) and: ip, tcpdump, socat, keepalived.");
    return 2;
}

Setting[] settings = [new("v2 advert_int 1", 2, 1.0), new("v3 advert_int 0.1", 3, 0.1)];
var measurements = new List<Measurement>();
for (var run = 1; run <= runs; run++)
{
    foreach (var setting in settings)
    {
        foreach (var daemon in new[] { Daemon.Agent, Daemon.Keepalived })
        {
            measurements.AddRange(await FailoverBench.RunAsync(daemon, setting, line => Console.Error.WriteLine($"[run {run}/{runs}] {line}")));
        }
    }
}

Console.WriteLine(Report.Markdown(measurements, runs));
return 0;
