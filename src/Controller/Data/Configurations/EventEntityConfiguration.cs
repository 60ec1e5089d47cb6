using HaCluster.Controller.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HaCluster.Controller.Data.Configurations;

internal sealed class EventEntityConfiguration : IEntityTypeConfiguration<EventEntity>
{
    public void Configure(EntityTypeBuilder<EventEntity> builder)
    {
        builder.ToTable("events");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Kind).HasMaxLength(16);
        builder.Property(e => e.Node).HasMaxLength(64);
        builder.Property(e => e.BootId).HasMaxLength(64);
        builder.Property(e => e.GroupName).HasMaxLength(64);
        builder.Property(e => e.Instance).HasMaxLength(64);
        builder.Property(e => e.FromState).HasMaxLength(32);
        builder.Property(e => e.ToState).HasMaxLength(32);
        builder.Property(e => e.Reason).HasMaxLength(64);
        // Exactly once per agent event, whatever the replays; rows of the controller (all null) never collide.
        builder.HasIndex(e => new { e.Node, e.BootId, e.Sequence }).IsUnique();
        // "Events of group X between T1 and T2", and the fleet's log by time and by node.
        builder.HasIndex(e => new { e.GroupName, e.At });
        builder.HasIndex(e => e.At);
        builder.HasIndex(e => new { e.Node, e.At });
    }
}
