"""techniekbus: a Technocentrum's buses, the periods they do not run, its booking rules, and
the rides booked with accepted company visits

Nothing is carried over: there were no buses before.

Revision ID: 2824f3a289aa
Revises: b3fe08ed7dd3
Create Date: 2026-12-01 14:22:32

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '2824f3a289aa'
down_revision = 'b3fe08ed7dd3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('bus_rule_levels',
    sa.Column('technocentrum_id', sa.Integer(), nullable=False),
    sa.Column('education_level_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['education_level_id'], ['education_levels.id'], name=op.f('fk_bus_rule_levels_education_level_id_education_levels')),
    sa.ForeignKeyConstraint(['technocentrum_id'], ['organisations.id'], name=op.f('fk_bus_rule_levels_technocentrum_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('technocentrum_id', 'education_level_id', name=op.f('pk_bus_rule_levels'))
    )
    op.create_table('bus_rules',
    sa.Column('technocentrum_id', sa.Integer(), nullable=False),
    sa.Column('min_days_ahead', sa.Integer(), nullable=False),
    sa.Column('max_days_ahead', sa.Integer(), nullable=False),
    sa.Column('opens_at', sa.Time(), nullable=False),
    sa.Column('max_distance_km', sa.Integer(), nullable=False),
    sa.Column('price_cents', sa.Integer(), nullable=False),
    sa.Column('surcharge_cents', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('max_distance_km >= 1 AND max_distance_km <= 500', name=op.f('ck_bus_rules_distance')),
    sa.CheckConstraint('min_days_ahead >= 0 AND max_days_ahead >= min_days_ahead AND max_days_ahead <= 730', name=op.f('ck_bus_rules_ahead')),
    sa.CheckConstraint('price_cents >= 0 AND surcharge_cents >= 0', name=op.f('ck_bus_rules_price')),
    sa.ForeignKeyConstraint(['technocentrum_id'], ['organisations.id'], name=op.f('fk_bus_rules_technocentrum_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_bus_rules_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('technocentrum_id', name=op.f('pk_bus_rules'))
    )
    op.create_table('bus_surcharge_places',
    sa.Column('technocentrum_id', sa.Integer(), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['place_id'], ['places.id'], name=op.f('fk_bus_surcharge_places_place_id_places')),
    sa.ForeignKeyConstraint(['technocentrum_id'], ['organisations.id'], name=op.f('fk_bus_surcharge_places_technocentrum_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('technocentrum_id', 'place_id', name=op.f('pk_bus_surcharge_places'))
    )
    op.create_table('buses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('technocentrum_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('run_days', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('rides_version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('seats >= 1 AND seats <= 90', name=op.f('ck_buses_seats')),
    sa.ForeignKeyConstraint(['technocentrum_id'], ['organisations.id'], name=op.f('fk_buses_technocentrum_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_buses'))
    )
    with op.batch_alter_table('buses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_buses_technocentrum_id'), ['technocentrum_id'], unique=False)

    op.create_table('bus_blocks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bus_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=120), nullable=False),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_bus_blocks_order')),
    sa.ForeignKeyConstraint(['bus_id'], ['buses.id'], name=op.f('fk_bus_blocks_bus_id_buses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bus_blocks'))
    )
    with op.batch_alter_table('bus_blocks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bus_blocks_bus_id'), ['bus_id'], unique=False)

    op.create_table('bus_rides',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bus_id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('booked_by_id', sa.Integer(), nullable=True),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('departs_at', sa.Time(), nullable=False),
    sa.Column('returns_at', sa.Time(), nullable=False),
    sa.Column('pupils', sa.Integer(), nullable=False),
    sa.Column('teachers', sa.Integer(), nullable=False),
    sa.Column('price_cents', sa.Integer(), nullable=False),
    sa.Column('surcharge_cents', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('cancelled_by', sa.String(length=20), nullable=True),
    sa.Column('cancel_reason', sa.Text(), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('returns_at > departs_at', name=op.f('ck_bus_rides_times')),
    sa.ForeignKeyConstraint(['booked_by_id'], ['users.id'], name=op.f('fk_bus_rides_booked_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_bus_rides_booking_id_bookings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['bus_id'], ['buses.id'], name=op.f('fk_bus_rides_bus_id_buses')),
    sa.ForeignKeyConstraint(['school_id'], ['organisations.id'], name=op.f('fk_bus_rides_school_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bus_rides'))
    )
    with op.batch_alter_table('bus_rides', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bus_rides_booking_id'), ['booking_id'], unique=False)
        batch_op.create_index('ix_bus_rides_bus_day', ['bus_id', 'day'], unique=False)
        batch_op.create_index(batch_op.f('ix_bus_rides_school_id'), ['school_id'], unique=False)
        batch_op.create_index('uq_bus_rides_booking', ['booking_id'], unique=True, sqlite_where=sa.text("status = 'booked'"), postgresql_where=sa.text("status = 'booked'"))



def downgrade():
    with op.batch_alter_table('bus_rides', schema=None) as batch_op:
        batch_op.drop_index('uq_bus_rides_booking', sqlite_where=sa.text("status = 'booked'"), postgresql_where=sa.text("status = 'booked'"))
        batch_op.drop_index(batch_op.f('ix_bus_rides_school_id'))
        batch_op.drop_index('ix_bus_rides_bus_day')
        batch_op.drop_index(batch_op.f('ix_bus_rides_booking_id'))

    op.drop_table('bus_rides')
    with op.batch_alter_table('bus_blocks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bus_blocks_bus_id'))

    op.drop_table('bus_blocks')
    with op.batch_alter_table('buses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_buses_technocentrum_id'))

    op.drop_table('buses')
    op.drop_table('bus_surcharge_places')
    op.drop_table('bus_rules')
    op.drop_table('bus_rule_levels')
