-- The central server's schema at revision s0006: what `git show b39742a:server/models.py` created on postgresql
-- (written by scripts/dump_old_server_schemas.py; do not edit)

CREATE TABLE hall (
	code VARCHAR(32) NOT NULL,
	doc_json TEXT NOT NULL,
	CONSTRAINT pk_hall PRIMARY KEY (code)
);

CREATE TABLE department (
	code VARCHAR(32) NOT NULL,
	name VARCHAR(200) NOT NULL,
	short_name VARCHAR(50) NOT NULL,
	uscc VARCHAR(18) NOT NULL,
	address VARCHAR(300) NOT NULL,
	CONSTRAINT pk_department PRIMARY KEY (code)
);

CREATE TABLE reference_doc (
	id SERIAL NOT NULL,
	kind VARCHAR(32) NOT NULL,
	label VARCHAR(64) NOT NULL,
	doc_json TEXT NOT NULL,
	current BOOLEAN NOT NULL,
	loaded_at TIMESTAMP WITHOUT TIME ZONE NOT NULL,
	CONSTRAINT pk_reference_doc PRIMARY KEY (id),
	CONSTRAINT uq_reference_doc_kind_label UNIQUE (kind, label)
);

CREATE TABLE "case" (
	id VARCHAR(36) NOT NULL,
	case_no VARCHAR(32) NOT NULL,
	window_code VARCHAR(32) NOT NULL,
	item_code VARCHAR(64) NOT NULL,
	state VARCHAR(24) NOT NULL,
	received_at TIMESTAMP WITHOUT TIME ZONE,
	accepted_at TIMESTAMP WITHOUT TIME ZONE,
	decided_at TIMESTAMP WITHOUT TIME ZONE,
	promised_deadline DATE,
	version INTEGER NOT NULL,
	updated_at TIMESTAMP WITHOUT TIME ZONE NOT NULL,
	record_json TEXT NOT NULL,
	CONSTRAINT pk_case PRIMARY KEY (id),
	CONSTRAINT uq_case_case_no UNIQUE (case_no)
);

CREATE INDEX ix_case_window_code ON "case" (window_code);

CREATE TABLE certificate (
	number VARCHAR(64) NOT NULL,
	type_code VARCHAR(64) NOT NULL,
	type_name VARCHAR(200) NOT NULL,
	holder_name VARCHAR(200) NOT NULL,
	issued_on DATE NOT NULL,
	valid_from DATE NOT NULL,
	valid_to DATE,
	window_code VARCHAR(32) NOT NULL,
	case_id VARCHAR(36) NOT NULL,
	status VARCHAR(16) NOT NULL,
	void_reason TEXT NOT NULL,
	voided_at TIMESTAMP WITHOUT TIME ZONE,
	CONSTRAINT pk_certificate PRIMARY KEY (number)
);

CREATE TABLE number_counter (
	type_code VARCHAR(64) NOT NULL,
	prefix VARCHAR(64) NOT NULL,
	next_value BIGINT NOT NULL,
	CONSTRAINT pk_number_counter PRIMARY KEY (type_code, prefix)
);

CREATE TABLE blob (
	sha256 VARCHAR(64) NOT NULL,
	size INTEGER NOT NULL,
	data BYTEA NOT NULL,
	stored_at TIMESTAMP WITHOUT TIME ZONE NOT NULL,
	device_id VARCHAR(36) NOT NULL,
	CONSTRAINT pk_blob PRIMARY KEY (sha256)
);

CREATE TABLE change_counter (
	id SERIAL NOT NULL,
	last INTEGER NOT NULL,
	CONSTRAINT pk_change_counter PRIMARY KEY (id)
);

CREATE TABLE change (
	seq INTEGER NOT NULL,
	kind VARCHAR(16) NOT NULL,
	key VARCHAR(64) NOT NULL,
	window_code VARCHAR(32),
	data_json TEXT NOT NULL,
	at TIMESTAMP WITHOUT TIME ZONE NOT NULL,
	CONSTRAINT pk_change PRIMARY KEY (seq)
);

CREATE INDEX ix_change_window_seq ON change (window_code, seq);

CREATE TABLE admin_event (
	id SERIAL NOT NULL,
	at TIMESTAMP WITHOUT TIME ZONE NOT NULL,
	action VARCHAR(32) NOT NULL,
	target VARCHAR(100) NOT NULL,
	detail_json TEXT NOT NULL,
	CONSTRAINT pk_admin_event PRIMARY KEY (id)
);

CREATE TABLE "window" (
	code VARCHAR(32) NOT NULL,
	number VARCHAR(16) NOT NULL,
	name VARCHAR(200) NOT NULL,
	department_code VARCHAR(32) NOT NULL,
	phone VARCHAR(50) NOT NULL,
	CONSTRAINT pk_window PRIMARY KEY (code),
	CONSTRAINT fk_window_department_code_department FOREIGN KEY(department_code) REFERENCES department (code)
);

CREATE TABLE site_visit (
	id VARCHAR(36) NOT NULL,
	case_id VARCHAR(36) NOT NULL,
	window_code VARCHAR(32) NOT NULL,
	day DATE NOT NULL,
	scheduled_by VARCHAR(64) NOT NULL,
	result VARCHAR(16),
	rectify_due DATE,
	result_by VARCHAR(64),
	record_json TEXT NOT NULL,
	updated_at TIMESTAMP WITHOUT TIME ZONE NOT NULL,
	CONSTRAINT pk_site_visit PRIMARY KEY (id),
	CONSTRAINT fk_site_visit_case_id_case FOREIGN KEY(case_id) REFERENCES "case" (id)
);

CREATE INDEX ix_site_visit_case_id ON site_visit (case_id);

CREATE TABLE staff (
	username VARCHAR(64) NOT NULL,
	name VARCHAR(100) NOT NULL,
	role VARCHAR(16) NOT NULL,
	window_code VARCHAR(32),
	department_code VARCHAR(32),
	phone VARCHAR(50) NOT NULL,
	password_hash VARCHAR(200) NOT NULL,
	active BOOLEAN NOT NULL,
	failed_logins INTEGER NOT NULL,
	locked_until TIMESTAMP WITHOUT TIME ZONE,
	CONSTRAINT pk_staff PRIMARY KEY (username),
	CONSTRAINT fk_staff_window_code_window FOREIGN KEY(window_code) REFERENCES "window" (code),
	CONSTRAINT fk_staff_department_code_department FOREIGN KEY(department_code) REFERENCES department (code)
);

CREATE TABLE device (
	id VARCHAR(36) NOT NULL,
	code VARCHAR(4) NOT NULL,
	window_code VARCHAR(32) NOT NULL,
	name VARCHAR(100) NOT NULL,
	secret_sha256 VARCHAR(64) NOT NULL,
	enrolled_at TIMESTAMP WITHOUT TIME ZONE NOT NULL,
	last_seen TIMESTAMP WITHOUT TIME ZONE,
	active BOOLEAN NOT NULL,
	epoch INTEGER NOT NULL,
	mark INTEGER NOT NULL,
	epoch_open BOOLEAN NOT NULL,
	max_seq INTEGER NOT NULL,
	CONSTRAINT pk_device PRIMARY KEY (id),
	CONSTRAINT uq_device_code UNIQUE (code),
	CONSTRAINT fk_device_window_code_window FOREIGN KEY(window_code) REFERENCES "window" (code)
);

CREATE TABLE enrolment_code (
	code_sha256 VARCHAR(64) NOT NULL,
	window_code VARCHAR(32) NOT NULL,
	created_at TIMESTAMP WITHOUT TIME ZONE NOT NULL,
	expires_at TIMESTAMP WITHOUT TIME ZONE NOT NULL,
	used_at TIMESTAMP WITHOUT TIME ZONE,
	device_id VARCHAR(36),
	CONSTRAINT pk_enrolment_code PRIMARY KEY (code_sha256),
	CONSTRAINT fk_enrolment_code_window_code_window FOREIGN KEY(window_code) REFERENCES "window" (code)
);

CREATE TABLE seal (
	code VARCHAR(32) NOT NULL,
	window_code VARCHAR(32) NOT NULL,
	org_name VARCHAR(200) NOT NULL,
	purpose VARCHAR(100) NOT NULL,
	custodian VARCHAR(64),
	status VARCHAR(16) NOT NULL,
	valid_from DATE NOT NULL,
	status_changed_at TIMESTAMP WITHOUT TIME ZONE,
	CONSTRAINT pk_seal PRIMARY KEY (code),
	CONSTRAINT fk_seal_window_code_window FOREIGN KEY(window_code) REFERENCES "window" (code),
	CONSTRAINT fk_seal_custodian_staff FOREIGN KEY(custodian) REFERENCES staff (username)
);

CREATE TABLE delegation (
	id SERIAL NOT NULL,
	item_code VARCHAR(64) NOT NULL,
	chief VARCHAR(64) NOT NULL,
	valid_from DATE NOT NULL,
	valid_to DATE,
	revoked_at TIMESTAMP WITHOUT TIME ZONE,
	CONSTRAINT pk_delegation PRIMARY KEY (id),
	CONSTRAINT fk_delegation_chief_staff FOREIGN KEY(chief) REFERENCES staff (username)
);

CREATE INDEX ix_delegation_item_code ON delegation (item_code);

CREATE TABLE deputy (
	id SERIAL NOT NULL,
	chief VARCHAR(64) NOT NULL,
	deputy VARCHAR(64) NOT NULL,
	valid_from DATE NOT NULL,
	valid_to DATE NOT NULL,
	reason VARCHAR(300) NOT NULL,
	named_by VARCHAR(200) NOT NULL,
	CONSTRAINT pk_deputy PRIMARY KEY (id),
	CONSTRAINT fk_deputy_chief_staff FOREIGN KEY(chief) REFERENCES staff (username),
	CONSTRAINT fk_deputy_deputy_staff FOREIGN KEY(deputy) REFERENCES staff (username)
);

CREATE TABLE staff_token (
	token_sha256 VARCHAR(64) NOT NULL,
	username VARCHAR(64) NOT NULL,
	device_id VARCHAR(36) NOT NULL,
	expires_at TIMESTAMP WITHOUT TIME ZONE NOT NULL,
	CONSTRAINT pk_staff_token PRIMARY KEY (token_sha256),
	CONSTRAINT fk_staff_token_username_staff FOREIGN KEY(username) REFERENCES staff (username),
	CONSTRAINT fk_staff_token_device_id_device FOREIGN KEY(device_id) REFERENCES device (id)
);

CREATE INDEX ix_staff_token_username ON staff_token (username);

CREATE TABLE staff_key (
	id SERIAL NOT NULL,
	device_id VARCHAR(36) NOT NULL,
	username VARCHAR(64) NOT NULL,
	public_key VARCHAR(64) NOT NULL,
	registered_at TIMESTAMP WITHOUT TIME ZONE NOT NULL,
	CONSTRAINT pk_staff_key PRIMARY KEY (id),
	CONSTRAINT uq_staff_key_device_id_username_public_key UNIQUE (device_id, username, public_key),
	CONSTRAINT fk_staff_key_device_id_device FOREIGN KEY(device_id) REFERENCES device (id),
	CONSTRAINT fk_staff_key_username_staff FOREIGN KEY(username) REFERENCES staff (username)
);

CREATE INDEX ix_staff_key_device_id ON staff_key (device_id);

CREATE TABLE applied_op (
	op_id VARCHAR(36) NOT NULL,
	device_id VARCHAR(36) NOT NULL,
	epoch INTEGER NOT NULL,
	device_seq INTEGER NOT NULL,
	entity VARCHAR(32) NOT NULL,
	entity_id VARCHAR(64) NOT NULL,
	op VARCHAR(32) NOT NULL,
	actor VARCHAR(64) NOT NULL,
	created_at TIMESTAMP WITHOUT TIME ZONE NOT NULL,
	local_day DATE NOT NULL,
	received_at TIMESTAMP WITHOUT TIME ZONE NOT NULL,
	status VARCHAR(16) NOT NULL,
	result_json TEXT NOT NULL,
	payload_json TEXT NOT NULL,
	CONSTRAINT pk_applied_op PRIMARY KEY (op_id),
	CONSTRAINT uq_applied_op_device_id_epoch_device_seq UNIQUE (device_id, epoch, device_seq),
	CONSTRAINT fk_applied_op_device_id_device FOREIGN KEY(device_id) REFERENCES device (id)
);

CREATE INDEX ix_applied_op_device_day ON applied_op (device_id, local_day);

CREATE TABLE number_lease (
	id VARCHAR(36) NOT NULL,
	device_id VARCHAR(36) NOT NULL,
	type_code VARCHAR(64) NOT NULL,
	prefix VARCHAR(64) NOT NULL,
	first BIGINT NOT NULL,
	last BIGINT NOT NULL,
	width INTEGER NOT NULL,
	leased_at TIMESTAMP WITHOUT TIME ZONE NOT NULL,
	CONSTRAINT pk_number_lease PRIMARY KEY (id),
	CONSTRAINT fk_number_lease_device_id_device FOREIGN KEY(device_id) REFERENCES device (id)
);

CREATE INDEX ix_number_lease_device_id ON number_lease (device_id);

CREATE TABLE audit_anchor (
	device_id VARCHAR(36) NOT NULL,
	entry_id BIGINT NOT NULL,
	hash VARCHAR(64) NOT NULL,
	received_at TIMESTAMP WITHOUT TIME ZONE NOT NULL,
	local_day DATE NOT NULL,
	CONSTRAINT pk_audit_anchor PRIMARY KEY (device_id, entry_id),
	CONSTRAINT fk_audit_anchor_device_id_device FOREIGN KEY(device_id) REFERENCES device (id)
);

CREATE TABLE consultation (
	id VARCHAR(36) NOT NULL,
	window_code VARCHAR(32) NOT NULL,
	staff VARCHAR(64) NOT NULL,
	device_id VARCHAR(36) NOT NULL,
	at TIMESTAMP WITHOUT TIME ZONE NOT NULL,
	local_day DATE NOT NULL,
	item_codes TEXT NOT NULL,
	referral_window_code VARCHAR(32),
	case_no VARCHAR(32),
	record_json TEXT NOT NULL,
	received_at TIMESTAMP WITHOUT TIME ZONE NOT NULL,
	CONSTRAINT pk_consultation PRIMARY KEY (id),
	CONSTRAINT fk_consultation_window_code_window FOREIGN KEY(window_code) REFERENCES "window" (code),
	CONSTRAINT fk_consultation_staff_staff FOREIGN KEY(staff) REFERENCES staff (username),
	CONSTRAINT fk_consultation_referral_window_code_window FOREIGN KEY(referral_window_code) REFERENCES "window" (code)
);

CREATE INDEX ix_consultation_window_day ON consultation (window_code, local_day);
