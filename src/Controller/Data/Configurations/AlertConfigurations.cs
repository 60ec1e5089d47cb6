using HaCluster.Controller.Data.Entities;
using HaCluster.Controller.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HaCluster.Controller.Data.Configurations;

internal sealed class AlertConfiguration : IEntityTypeConfiguration<AlertEntity>
{
    public void Configure(EntityTypeBuilder<AlertEntity> builder)
    {
        builder.ToTable("alerts");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Subject).HasMaxLength(253);
        builder.Property(a => a.GroupName).HasMaxLength(64);
        builder.Property(a => a.Kind).HasMaxLength(16);
        builder.Property(a => a.Severity).HasMaxLength(16);
        builder.Property(a => a.Summary).HasMaxLength(4000);
        builder.Property(a => a.Suppressed).HasMaxLength(16);
        builder.HasIndex(a => a.At);
        builder.HasIndex(a => new { a.GroupName, a.At });
        builder.HasIndex(a => a.IncidentId);
    }
}

internal sealed class AlertDeliveryConfiguration : IEntityTypeConfiguration<AlertDeliveryEntity>
{
    public void Configure(EntityTypeBuilder<AlertDeliveryEntity> builder)
    {
        builder.ToTable("alert_deliveries");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Channel).HasMaxLength(AlertChannel.MaxName);
        builder.Property(d => d.Status).HasMaxLength(16);
        builder.Property(d => d.LastError).HasMaxLength(1024);
        builder.Property(d => d.MessageKey).HasMaxLength(96);
        // The worker's query: what is pending and due.
        builder.HasIndex(d => new { d.Status, d.NextAttemptAt });
        builder.HasIndex(d => d.AlertId);
        builder.HasIndex(d => d.MessageKey);
    }
}

internal sealed class IncidentConfiguration : IEntityTypeConfiguration<IncidentEntity>
{
    public void Configure(EntityTypeBuilder<IncidentEntity> builder)
    {
        builder.ToTable("incidents");
        builder.HasKey(i => i.Id);
        builder.Property(i => i.Subject).HasMaxLength(253);
        builder.Property(i => i.GroupName).HasMaxLength(64);
        builder.Property(i => i.Title).HasMaxLength(4000);
        builder.Property(i => i.Severity).HasMaxLength(16);
        builder.Property(i => i.AcknowledgedBy).HasMaxLength(256);
        builder.HasIndex(i => new { i.Subject, i.LastAlertAt });
        builder.HasIndex(i => i.OpenedAt);
    }
}

internal sealed class AlertChannelConfiguration : IEntityTypeConfiguration<AlertChannelEntity>
{
    public void Configure(EntityTypeBuilder<AlertChannelEntity> builder)
    {
        builder.ToTable("alert_channels");
        builder.HasKey(c => c.Name);
        builder.Property(c => c.Name).HasMaxLength(AlertChannel.MaxName);
        builder.Property(c => c.Type).HasMaxLength(16);
        builder.Property(c => c.SettingsJson).HasMaxLength(16_384);
        builder.Property(c => c.Secrets).HasMaxLength(16_384);
        builder.Property(c => c.UpdatedBy).HasMaxLength(256);
    }
}

internal sealed class GroupQuietConfiguration : IEntityTypeConfiguration<GroupQuietEntity>
{
    public void Configure(EntityTypeBuilder<GroupQuietEntity> builder)
    {
        builder.ToTable("group_quiet");
        builder.HasKey(q => q.GroupName);
        builder.Property(q => q.GroupName).HasMaxLength(64);
        builder.Property(q => q.Reason).HasMaxLength(GroupQuiet.MaxReason);
        builder.Property(q => q.By).HasMaxLength(256);
    }
}
