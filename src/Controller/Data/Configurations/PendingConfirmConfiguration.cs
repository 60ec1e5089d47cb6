using HaCluster.Controller.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HaCluster.Controller.Data.Configurations;

internal sealed class PendingConfirmConfiguration : IEntityTypeConfiguration<PendingConfirmEntity>
{
    public void Configure(EntityTypeBuilder<PendingConfirmEntity> builder)
    {
        builder.ToTable("pending_confirms");
        builder.HasKey(p => p.GroupName);
        builder.Property(p => p.GroupName).HasMaxLength(64);
        builder.Property(p => p.StartedBy).HasMaxLength(256);
    }
}
