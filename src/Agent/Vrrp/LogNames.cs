namespace HaCluster.Agent.Vrrp;

public static class LogNames
{
    public static string ToLogName(this VrrpState state) => state switch
    {
        VrrpState.Initialize => "INIT",
        VrrpState.Backup => "BACKUP",
        VrrpState.Master => "MASTER",
        VrrpState.Fault => "FAULT",
        _ => "STOP",
    };

    public static string ToLogName(this TransitionReason reason) => reason switch
    {
        TransitionReason.Startup => "startup",
        TransitionReason.AddressOwner => "address_owner",
        TransitionReason.MasterDownTimer => "master_down_timer",
        TransitionReason.PriorityZeroReceived => "priority_zero_received",
        TransitionReason.HigherPriorityHeard => "higher_priority_heard",
        TransitionReason.EqualPriorityHigherAddress => "equal_priority_higher_address",
        TransitionReason.InterfaceDown => "interface_down",
        TransitionReason.InterfaceUp => "interface_up",
        TransitionReason.VipBindFailed => "vip_bind_failed",
        TransitionReason.FaultRetry => "fault_retry",
        TransitionReason.TrackingFailed => "tracking_failed",
        TransitionReason.TrackingRecovered => "tracking_recovered",
        TransitionReason.SyncGroup => "sync_group",
        TransitionReason.Preempt => "preempt",
        _ => "shutdown",
    };
}
