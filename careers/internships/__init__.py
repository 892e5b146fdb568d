"""Internships: publishing (HR officers, in the admin), applying (candidates), and a light,
anonymous selection by code (see ``careers.models_internships``)."""
