using System.Globalization;

namespace HaCluster.Agent.Net;

/// <summary>This process's effective capabilities, from /proc/self/status (CapEff): the one place that reads them.</summary>
public static class EffectiveCapabilities
{
    /// <summary>The CapEff mask; null where the kernel does not say (not Linux, no /proc).</summary>
    public static ulong? Read()
    {
        var line = File.Exists("/proc/self/status")
            ? File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("CapEff:", StringComparison.Ordinal))
            : null;
        return line is not null && ulong.TryParse(line["CapEff:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var effective)
            ? effective : null;
    }

    public static bool Has(int capability) => Read() is { } effective && (effective & (1UL << capability)) != 0;
}
