using System.Net;
using HaCluster.Agent.Wire;

namespace HaCluster.Agent.Vrrp;

/// <summary>
/// Runs the pure engine through a whole life once at start, on throwaway state, so the first real takeover does not
/// pay for JIT compilation (several milliseconds, which is a tenth of a v3 Skew_Time).
/// </summary>
public static class Warmup
{
    public static void Run(VrrpSettings settings, AdvertPolicy policy)
    {
        var peer = new IPAddress([192, 0, 2, 1]);
        var state = VrrpInstanceState.Initial;
        var now = TimeSpan.Zero;
        VrrpEvent[] life =
        [
            new VrrpEvent.Startup(true),
            new VrrpEvent.AdvertReceived(peer, 0, settings.AdvertInterval),
            VrrpEvent.TimerTick,
            new VrrpEvent.AdvertReceived(peer, 1, settings.AdvertInterval),
            VrrpEvent.TimerTick,
            new VrrpEvent.AdvertReceived(peer, 255, settings.AdvertInterval),
            new VrrpEvent.InterfaceChanged(false),
            new VrrpEvent.InterfaceChanged(true),
            new VrrpEvent.Shutdown(),
        ];
        foreach (var @event in life)
        {
            now += TimeSpan.FromMinutes(1);
            state = VrrpStateMachine.Handle(state, settings, @event, now).State;
        }

        var advert = new VrrpAdvert(policy.Version, policy.VirtualRouterId, 0, policy.AdvertInterval, policy.VirtualIps) { AuthType = policy.AuthType, AuthData = policy.AuthData };
        var packet = VrrpCodec.Encode(advert, peer, policy.OwnAddress, policy.ChecksumMode);
        var ip = new IPv4Header(peer, policy.OwnAddress, 255, InternetChecksum.VrrpProtocol, 20, 20 + packet.Length);
        if (VrrpCodec.TryDecode(packet, peer, policy.OwnAddress, policy.ChecksumMode, out var decoded) == DropReason.None)
        {
            AdvertFilter.Check(policy, ip, decoded!);
        }
    }
}
