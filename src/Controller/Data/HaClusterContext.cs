using HaCluster.Controller.Data.Entities;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace HaCluster.Controller.Data;

/// <summary>The controller's store; each provider is a subclass so each has its own migrations.</summary>
public abstract class HaClusterContext(DbContextOptions options) : DbContext(options), IDataProtectionKeyContext
{
    /// <summary>ASP.NET Core Data Protection's key ring (the keys that encrypt secrets at rest), shared by every controller on this database.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<GroupEntity> Groups => Set<GroupEntity>();

    public DbSet<ConfigRevisionEntity> ConfigRevisions => Set<ConfigRevisionEntity>();

    /// <summary>Every saved revision of every group's desired state (secrets left out), with who, how and why.</summary>
    public DbSet<GroupRevisionEntity> GroupRevisions => Set<GroupRevisionEntity>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    public DbSet<NodeEntity> Nodes => Set<NodeEntity>();

    public DbSet<NodeMaintenanceEntity> NodeMaintenance => Set<NodeMaintenanceEntity>();

    public DbSet<PendingConfirmEntity> PendingConfirms => Set<PendingConfirmEntity>();

    public DbSet<DrillEntity> Drills => Set<DrillEntity>();

    public DbSet<EventEntity> Events => Set<EventEntity>();

    /// <summary>The alert outbox: each alert, its deliveries per channel, the incidents they form.</summary>
    public DbSet<AlertEntity> Alerts => Set<AlertEntity>();

    public DbSet<AlertDeliveryEntity> AlertDeliveries => Set<AlertDeliveryEntity>();

    public DbSet<IncidentEntity> Incidents => Set<IncidentEntity>();

    public DbSet<AlertChannelEntity> AlertChannels => Set<AlertChannelEntity>();

    public DbSet<GroupQuietEntity> GroupQuiet => Set<GroupQuietEntity>();

    public DbSet<JoinTokenEntity> JoinTokens => Set<JoinTokenEntity>();

    public DbSet<IssuedCertificateEntity> IssuedCertificates => Set<IssuedCertificateEntity>();

    public DbSet<ApiKeyEntity> ApiKeys => Set<ApiKeyEntity>();

    public DbSet<UserEntity> Users => Set<UserEntity>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(HaClusterContext).Assembly);
}
