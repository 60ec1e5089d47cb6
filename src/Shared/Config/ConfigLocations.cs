namespace HaCluster.Shared.Config;

/// <summary>
/// The model without where each part was written: what a setting is, not where it stands. Two configs that differ
/// only in their file:line positions (a block moved, a comment added) are then equal.
/// </summary>
public static class ConfigLocations
{
    public static VrrpInstanceConfig WithoutLocations(this VrrpInstanceConfig instance) => instance with
    {
        Location = default,
        UnicastPeers = instance.UnicastPeers.Map(p => p with { Location = default }),
        VirtualIps = instance.VirtualIps.Map(v => v with { Location = default }),
        Tracks = instance.Tracks.Map(t => t with { Location = default }),
        Hmac = instance.Hmac is { } hmac ? hmac with { Location = default, Keys = hmac.Keys.Map(k => k with { Location = default }) } : null,
    };

    public static SyncGroupConfig WithoutLocations(this SyncGroupConfig group) =>
        group with { Location = default, InstanceLocations = [] };

    public static VrrpScriptConfig WithoutLocation(this VrrpScriptConfig script) => script with { Location = default };

    public static TrackFileConfig WithoutLocation(this TrackFileConfig file) => file with { Location = default };
}
