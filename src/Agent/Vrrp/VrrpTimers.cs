namespace HaCluster.Agent.Vrrp;

/// <summary>The RFC timer formulas, in one place. v2: RFC 3768 §6.1; v3: RFC 5798 §6.1 (centiseconds).</summary>
public static class VrrpTimers
{
    /// <summary>v2: (256 − Priority) / 256 s. v3: ((256 − Priority) × Master_Adver_Interval) / 256.</summary>
    public static TimeSpan SkewTime(int version, byte priority, TimeSpan masterAdverInterval) =>
        version == 2
            ? TimeSpan.FromTicks((256 - priority) * TimeSpan.TicksPerSecond / 256)
            : TimeSpan.FromTicks((256 - priority) * masterAdverInterval.Ticks / 256);

    /// <summary>3 × Master_Adver_Interval + Skew_Time.</summary>
    public static TimeSpan MasterDownInterval(int version, byte priority, TimeSpan masterAdverInterval) =>
        (3 * masterAdverInterval) + SkewTime(version, priority, masterAdverInterval);
}
