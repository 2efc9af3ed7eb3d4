"""partnerships: partner circles, a school and a company that agreed to work together for
longer (asked by one, accepted by the other, ended by either)

Nothing is carried over: there were no partnerships before.

Revision ID: 39aa474ecf02
Revises: 2824f3a289aa
Create Date: 2026-12-01 14:54:58

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '39aa474ecf02'
down_revision = '2824f3a289aa'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('partnerships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('asked_by', sa.String(length=10), nullable=False),
    sa.Column('asked_by_id', sa.Integer(), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_by', sa.String(length=10), nullable=True),
    sa.Column('end_reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['asked_by_id'], ['users.id'], name=op.f('fk_partnerships_asked_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['company_id'], ['organisations.id'], name=op.f('fk_partnerships_company_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['school_id'], ['organisations.id'], name=op.f('fk_partnerships_school_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partnerships'))
    )
    with op.batch_alter_table('partnerships', schema=None) as batch_op:
        batch_op.create_index('ix_partnerships_company_status', ['company_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_partnerships_school_id'), ['school_id'], unique=False)
        batch_op.create_index('uq_partnerships_standing', ['school_id', 'company_id'], unique=True, sqlite_where=sa.text("status IN ('asked', 'active')"), postgresql_where=sa.text("status IN ('asked', 'active')"))



def downgrade():
    with op.batch_alter_table('partnerships', schema=None) as batch_op:
        batch_op.drop_index('uq_partnerships_standing', sqlite_where=sa.text("status IN ('asked', 'active')"), postgresql_where=sa.text("status IN ('asked', 'active')"))
        batch_op.drop_index(batch_op.f('ix_partnerships_school_id'))
        batch_op.drop_index('ix_partnerships_company_status')

    op.drop_table('partnerships')
