"""Careers: guidance for young people and matching candidates to posts they can win.

The Concept asks for early career guidance at school and university level and for more,
and more diverse, competition for each post. This app is public and candidate-side only:

- the interest and strengths explorer (six work-interest types in the RIASEC tradition and
  work values), scored instantly and mapped to civil-service job families;
- class codes for teachers and career advisers, who see only class aggregates;
- internships for students and graduates, selected by anonymous code;
- "posts you can win": open vacancies ranked for a candidate, eligibility a hard filter.

Staff never see an explorer result or a match score: neither is registered in the admin
or read by any staff selector, and ``tests/careers/test_no_staff_scores.py`` proves it.
The admin holds internships only, where HR reviews applications by code
(``tests/careers/test_internship_leak.py``).
The app sits above recruitment and testing_center and reads them only through their
``public.py``.
"""
